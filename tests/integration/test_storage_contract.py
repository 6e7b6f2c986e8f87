"""The storage contract: the same tests on SQLite and on a real PostgreSQL started by the suite."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core.errors import ConflictError, NotFoundError, StorageError
from core.models.conversation import Conversation
from core.models.jobs import BatchItem, BatchJob
from core.models.scaffolding import Persona
from core.storage.database import Database


def persona(key: str = "anxious_planner", **fields: object) -> Persona:
    return Persona(persona_key=key, name="Maya Brooks", archetype="The Anxious Planner", **fields)  # type: ignore[arg-type]


def test_migrations_are_recorded_and_not_repeated(db: Database) -> None:
    assert db.pending_migrations() == []
    assert db.upgrade() == []


def test_a_record_round_trips_with_lists_dicts_and_aware_timestamps(db: Database) -> None:
    saved = db.personas.add(persona(typical_questions=["Am I behind?"], demographics={"age": "41"}))
    loaded = db.personas.get(saved.id)
    assert loaded.typical_questions == ["Am I behind?"]
    assert loaded.demographics == {"age": "41"}
    assert loaded.created_at.tzinfo is not None
    assert abs((loaded.created_at - saved.created_at).total_seconds()) < 0.001


def test_a_duplicate_key_is_a_conflict_with_a_message(db: Database) -> None:
    db.personas.add(persona())
    with pytest.raises(ConflictError, match="persona already exists"):
        db.personas.add(persona())


def test_get_of_a_missing_row_says_what_is_missing(db: Database) -> None:
    with pytest.raises(NotFoundError, match="No conversation with id nope"):
        db.conversations.get("nope")


def test_list_filters_by_value_list_and_null_and_pages(db: Database) -> None:
    for index, status in enumerate(["approved", "rejected", "approved", "pending_review"]):
        db.conversations.add(Conversation(conversation_name=f"c{index}", review_status=status))  # type: ignore[arg-type]
    approved = db.conversations.list(where={"review_status": "approved"}, order_by="conversation_name")
    assert [c.conversation_name for c in approved] == ["c0", "c2"]
    either = db.conversations.list(where={"review_status": ["approved", "rejected"]})
    assert len(either) == 3
    assert db.conversations.count(where={"reviewed_by": None}) == 4
    page = db.conversations.list(order_by="conversation_name", descending=True, limit=2, offset=1)
    assert [c.conversation_name for c in page] == ["c2", "c1"]


def test_count_by_groups_rows(db: Database) -> None:
    for status in ["approved", "approved", "rejected"]:
        db.conversations.add(Conversation(review_status=status))  # type: ignore[arg-type]
    assert db.conversations.count_by("review_status") == {"approved": 2, "rejected": 1}


def test_update_validates_and_bumps_updated_at(db: Database) -> None:
    saved = db.conversations.add(Conversation(updated_at=datetime(2020, 1, 1, tzinfo=UTC)))
    updated = db.conversations.update(saved.conversation_id, review_status="approved", quality_score=4.2)
    assert db.conversations.get(saved.conversation_id).review_status == "approved"
    assert updated.updated_at > datetime(2021, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        db.conversations.update(saved.conversation_id, review_status="maybe")


def test_the_database_refuses_a_status_outside_the_vocabulary(db: Database) -> None:
    saved = db.conversations.add(Conversation())
    with pytest.raises((sa.exc.IntegrityError, StorageError)):
        db.conversations.update_where({"conversation_id": saved.conversation_id}, review_status="maybe")


def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    job = BatchJob(name="job", total_items=2)
    with pytest.raises(ConflictError), db.transaction() as conn:
        db.jobs.add(job, conn=conn)
        db.items.add(BatchItem(job_id=job.id, position=1), conn=conn)
        db.items.add(BatchItem(job_id=job.id, position=1), conn=conn)
    assert db.jobs.find(job.id) is None
    assert db.items.count() == 0


def test_update_where_reports_how_many_rows_changed(db: Database) -> None:
    job = db.jobs.add(BatchJob(name="job"))
    db.items.add_many([BatchItem(job_id=job.id, position=n) for n in (1, 2, 3)])
    assert db.items.update_where({"job_id": job.id, "position": [1, 2]}, status="cancelled") == 2
    assert db.items.count_by("status") == {"cancelled": 2, "queued": 1}
