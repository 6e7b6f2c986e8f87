"""The ``ConversationRows`` port (``core.storage.conversations_repo``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import ConflictError, NotFoundError
from core.models.conversation import Conversation
from core.storage.conversations_repo import VersionConflict
from core.storage.database import Database
from core.storage.ports import ConversationRows

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def add(rows: ConversationRows, name: str, minutes: int = 0, **fields: object) -> Conversation:
    return rows.add(Conversation(conversation_name=name, created_at=T0 + timedelta(minutes=minutes), **fields))  # type: ignore[arg-type]


@pytest.fixture
def rows(db: Database) -> ConversationRows:
    return db.conversations


def test_a_write_on_the_version_read_adds_one_to_the_version(db: Database, rows: ConversationRows) -> None:
    c = add(rows, "Maya")
    with db.transaction() as conn:
        assert rows.write_if_unchanged(conn, c, review_notes="first") == c.row_version + 1
    stored = rows.get(c.conversation_id)
    assert (stored.review_notes, stored.row_version) == ("first", c.row_version + 1)
    assert stored.updated_at > c.updated_at


def test_a_write_on_an_old_version_is_a_conflict_and_changes_nothing(db: Database, rows: ConversationRows) -> None:
    c = add(rows, "Maya")
    with db.transaction() as conn:
        rows.write_if_unchanged(conn, c, review_notes="first")
    with pytest.raises(VersionConflict, match="'Maya' was changed by someone else"), db.transaction() as conn:
        rows.write_if_unchanged(conn, c, review_notes="second, on the old version")
    stored = rows.get(c.conversation_id)
    assert (stored.review_notes, stored.row_version) == ("first", c.row_version + 1)
    assert issubclass(VersionConflict, ConflictError)


def test_set_fields_writes_whatever_the_version_and_only_that_row(rows: ConversationRows) -> None:
    a, b = add(rows, "A"), add(rows, "B")
    rows.set_fields(a.conversation_id, enrichment_status="validated", enrichment_error=None)
    assert rows.get(a.conversation_id).enrichment_status == "validated"
    assert rows.get(a.conversation_id).row_version == a.row_version  # status writes do not claim a version
    assert rows.get(b.conversation_id).enrichment_status == "not_started"


def test_writes_in_one_transaction_roll_back_together(db: Database, rows: ConversationRows) -> None:
    c = add(rows, "Maya")
    with pytest.raises(RuntimeError), db.transaction() as conn:
        rows.set_fields(c.conversation_id, conn=conn, enrichment_status="validated")
        rows.write_if_unchanged(conn, c, enrichment_status="enrichment_in_progress")
        raise RuntimeError("crash between the two writes")
    stored = rows.get(c.conversation_id)
    assert (stored.enrichment_status, stored.row_version) == ("not_started", c.row_version)


def test_compare_and_set_by_status_and_version_counts_the_rows_it_changed(rows: ConversationRows) -> None:
    c = add(rows, "Maya")
    where = {"conversation_id": c.conversation_id, "review_status": "pending_review", "row_version": c.row_version}
    assert rows.update_where(where, review_status="approved", row_version=c.row_version + 1) == 1
    assert rows.update_where(where, review_status="rejected", row_version=c.row_version + 1) == 0
    assert rows.get(c.conversation_id).review_status == "approved"


def test_list_filters_orders_and_pages(rows: ConversationRows) -> None:
    add(rows, "old", 0, review_status="approved")
    add(rows, "mid", 1, review_status="rejected", is_active=False)
    add(rows, "new", 2, review_status="approved")
    names = [r.conversation_name for r in rows.list(where={"review_status": "approved"}, descending=True)]
    assert names == ["new", "old"]
    active = rows.list(where={"is_active": True, "review_status": ["approved", "rejected"]})
    assert [r.conversation_name for r in active] == ["old", "new"]
    assert [r.conversation_name for r in rows.list(limit=1, offset=1)] == ["mid"]
    assert rows.count(where={"is_active": True}) == 2


def test_a_repeat_is_found_only_among_its_owners_rows(rows: ConversationRows) -> None:
    owner, other = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
    mine = add(rows, "mine", source_hash="same-turns", created_by=owner)
    add(rows, "theirs", 1, source_hash="same-turns", created_by=other)
    assert rows.find_by(source_hash="same-turns", created_by=owner) == mine
    assert rows.find_by(source_hash="same-turns", created_by=None) is None


def test_a_missing_conversation_is_none_or_not_found(rows: ConversationRows) -> None:
    assert rows.find("nope") is None
    with pytest.raises(NotFoundError, match="No conversation with id nope"):
        rows.get("nope")


def test_an_id_held_in_another_project_is_in_use_though_not_found(db: Database) -> None:
    """Ids are unique across projects: an import in one project must not write under another project's id."""
    other = db.in_project("elsewhere")
    held = add(other.conversations, "theirs")
    assert db.conversations.find(held.conversation_id) is None
    assert db.conversations.id_in_use(held.conversation_id) and other.conversations.id_in_use(held.conversation_id)
    assert not db.conversations.id_in_use("nope")


def test_headings_are_the_rows_names_and_states_oldest_first_in_the_project(db: Database) -> None:
    """What the Enrich page lists: a few columns of each matching row, in created order, of this project only."""
    rows = db.conversations
    late = add(rows, "Late", 5, persona_key="maya", emotional_arc_key="fear", topic_key="529")
    early = add(rows, "Early", 1, enrichment_status="validation_failed", enrichment_error="validation: bad")
    add(rows, "Archived", 3, is_active=False)
    add(db.in_project("elsewhere").conversations, "Theirs", 0)
    found = rows.headings(where={"is_active": True})
    assert [h.conversation_id for h in found] == [early.conversation_id, late.conversation_id]
    assert (found[0].enrichment_status, found[0].enrichment_error) == ("validation_failed", "validation: bad")
    assert (found[1].persona_key, found[1].emotional_arc_key, found[1].topic_key) == ("maya", "fear", "529")
    assert [h.conversation_name for h in rows.headings(where={"is_active": False})] == ["Archived"]


def test_a_headings_generation_parameters_are_read_only_when_its_own_keys_are_missing(db: Database) -> None:
    rows = db.conversations
    params = {"persona_key": "maya", "emotional_arc_key": "fear", "training_topic_key": "529"}
    keyless = add(rows, "Old row", 1, input_parameters=params)
    keyed = add(rows, "New row", 2, input_parameters=params, persona_key="maya")
    by_id = {h.conversation_id: h for h in rows.headings()}
    assert by_id[keyless.conversation_id].input_parameters == params
    assert by_id[keyed.conversation_id].input_parameters is None
