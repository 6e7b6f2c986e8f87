"""The ``SpendLog`` and ``StatusCounts`` ports (``core.storage.spend``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.models.conversation import Conversation
from core.models.jobs import BatchJob
from core.models.logs import FailedGeneration, GenerationLog
from core.models.projects import Project
from core.models.statuses import Enrichment, Review
from core.storage.database import Database
from core.storage.ports import SpendLog, StatusCounts
from core.storage.spend import SpendRepo, StatsRepo

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def coach(db: Database) -> Database:
    """A second project, holding rows no port of the first project may see."""
    db.projects.add(Project(id="p-coach", slug="coach", name="Career coach"))
    return db.in_project("p-coach")


def log(cost: float, minutes: int, **fields: object) -> GenerationLog:
    return GenerationLog(model="m", cost_usd=cost, created_at=T0 + timedelta(minutes=minutes), **fields)  # type: ignore[arg-type]


def test_spend_is_every_priced_call_oldest_first_with_its_columns(db: Database, coach: Database) -> None:
    db.logs.add_many(
        [
            log(0.5, 10, job_id="j1", purpose="generate", conversation_id="c1", template_id="t1"),
            log(0.0, 5),  # refused: cost nothing, never spend
            log(0.25, 1, purpose="judge", is_demo=True),
        ]
    )
    coach.logs.add(log(9.0, 0))
    spend: SpendLog = SpendRepo(db)
    rows = spend.rows()
    assert [(r.cost_usd, r.is_demo, r.purpose) for r in rows] == [(0.25, True, "judge"), (0.5, False, "generate")]
    assert (rows[1].job_id, rows[1].conversation_id, rows[1].template_id) == ("j1", "c1", "t1")
    assert rows[0].created_at == T0 + timedelta(minutes=1)
    assert [r.cost_usd for r in SpendRepo(coach).rows()] == [9.0]


def test_job_names_are_the_projects_own(db: Database, coach: Database) -> None:
    first = db.jobs.add(BatchJob(name="March batch"))
    other = coach.jobs.add(BatchJob(name="Coach batch"))
    assert SpendRepo(db).job_names() == {first.id: "March batch"}
    assert SpendRepo(coach).job_names() == {other.id: "Coach batch"}


def test_counts_are_per_status_of_active_conversations_only(db: Database, coach: Database) -> None:
    db.conversations.add_many(
        [
            Conversation(conversation_name="a", enrichment_status=Enrichment.COMPLETED, review_status=Review.APPROVED),
            Conversation(conversation_name="b", enrichment_status=Enrichment.COMPLETED, is_truncated=True),
            Conversation(conversation_name="c"),
            Conversation(conversation_name="archived", is_active=False, is_truncated=True),
        ]
    )
    db.failures.add(FailedGeneration(prompt="p", model="m", failure_type="truncation"))
    coach.conversations.add(Conversation(conversation_name="coach's"))
    source: StatusCounts = StatsRepo(db)
    counts = source.counts()
    assert (counts.conversations, counts.truncated, counts.failed_generations) == (3, 1, 1)
    assert counts.enrichment_status[Enrichment.COMPLETED] == 2 and sum(counts.enrichment_status.values()) == 3
    assert counts.review_status[Review.APPROVED] == 1 and sum(counts.review_status.values()) == 3
    assert sum(counts.processing_status.values()) == 3
    assert counts.enrichment_status == {Enrichment.COMPLETED: 2, Enrichment.NOT_STARTED: 1}
    assert counts.review_status == {Review.APPROVED: 1, Review.PENDING: 2}
    other = StatsRepo(coach).counts()
    assert (other.conversations, other.failed_generations) == (1, 0)


def test_counts_of_an_empty_project_are_zero(db: Database) -> None:
    counts = StatsRepo(db).counts()
    assert (counts.conversations, counts.truncated, counts.failed_generations) == (0, 0, 0)
    assert counts.review_status == {}
