"""The ``GenerationLogPort`` (``core.storage.calllog``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.models.base import utcnow
from core.models.jobs import BatchJob
from core.models.logs import GenerationLog
from core.models.scaffolding import EmotionalArc, Persona, PromptTemplate, TrainingTopic
from core.models.statuses import Call
from core.storage.calllog import SqlCallLog
from core.storage.database import Database
from core.storage.ports import GenerationLogPort


@pytest.fixture
def calls(db: Database) -> GenerationLogPort:
    return SqlCallLog(db)


@pytest.fixture
def job(db: Database) -> BatchJob:
    return db.jobs.add(BatchJob(name="log contract job"))


def sent(job: BatchJob, cost: float, tokens: tuple[int, int] = (100, 50)) -> GenerationLog:
    return GenerationLog(
        job_id=job.id, model="m", status=Call.SENT, cost_usd=cost, input_tokens=tokens[0], output_tokens=tokens[1]
    )


def test_a_sent_row_charges_its_estimate_and_completing_it_charges_the_difference(
    db: Database, calls: GenerationLogPort, job: BatchJob
) -> None:
    entry = sent(job, 0.10)
    with db.transaction() as conn:
        calls.insert(conn, entry)
    assert db.jobs.get(job.id).cost_usd == pytest.approx(0.10)
    with db.transaction() as conn:
        calls.complete(conn, entry, {"status": Call.SUCCESS, "cost_usd": 0.07, "output_tokens": 42})
    row = db.logs.get(entry.id)
    assert (row.status, row.cost_usd, row.output_tokens) == (Call.SUCCESS, 0.07, 42)
    assert db.jobs.get(job.id).cost_usd == pytest.approx(0.07)


def test_a_row_rolled_back_charges_nothing(db: Database, calls: GenerationLogPort, job: BatchJob) -> None:
    with pytest.raises(RuntimeError), db.transaction() as conn:
        calls.insert(conn, sent(job, 0.5))
        raise RuntimeError("the transaction fails")
    assert db.logs.count() == 0 and db.jobs.get(job.id).cost_usd == 0


def test_recent_usage_counts_the_jobs_calls_in_the_window(
    db: Database, calls: GenerationLogPort, job: BatchJob
) -> None:
    other = db.jobs.add(BatchJob(name="another job"))
    old = sent(job, 0.1).model_copy(update={"created_at": utcnow() - timedelta(minutes=5)})
    with db.transaction() as conn:
        for entry in (old, sent(job, 0.1, (10, 5)), sent(job, 0.1, (20, 6)), sent(other, 0.1)):
            calls.insert(conn, entry)
        count, tokens_in, tokens_out, oldest, newest = calls.recent_usage(conn, job.id, utcnow() - timedelta(minutes=1))
    assert (count, tokens_in, tokens_out) == (2, 30, 11)
    assert oldest is not None and oldest.tzinfo is not None and oldest > utcnow() - timedelta(minutes=1)
    assert newest is not None and newest.tzinfo is not None and newest >= oldest


def test_throttle_only_moves_later(db: Database, calls: GenerationLogPort, job: BatchJob) -> None:
    later = utcnow() + timedelta(seconds=30)
    calls.throttle(job.id, later)
    calls.throttle(job.id, later - timedelta(seconds=20))
    stored = db.jobs.get(job.id).throttled_until
    assert stored is not None and abs((stored - later).total_seconds()) < 0.01


def test_count_use_adds_one_to_each_record(db: Database, calls: GenerationLogPort) -> None:
    persona = db.personas.add(Persona(persona_key="planner", name="Planner", archetype="a"))
    arc = db.arcs.add(EmotionalArc(arc_key="calm_arc", name="Calm", starting_emotion="worry", ending_emotion="calm"))
    topic = db.topics.add(TrainingTopic(topic_key="savings", name="Savings"))
    template = db.templates.add(
        PromptTemplate(template_name="tpl", template_text="Hello", emotional_arc_type="calm_arc")
    )
    for _ in range(2):
        with db.transaction() as conn:
            calls.count_use(conn, persona.id, arc.id, topic.id, template.id)
    assert [r.get(x.id).usage_count for r, x in ((db.personas, persona), (db.arcs, arc), (db.topics, topic))] == [
        2,
        2,
        2,
    ]
    assert db.templates.get(template.id).usage_count == 2
