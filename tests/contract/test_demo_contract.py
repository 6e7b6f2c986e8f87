"""The ``DemoRows`` port (``core.storage.demo_repo``) on SQLite and on the real PostgreSQL: the demo's job with its
items and log, its call rows back-dated and marked as demo data, inside one project."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import ConflictError
from core.models.conversation import Conversation
from core.models.jobs import BatchItem, BatchJob, BatchLogLine
from core.models.logs import FailedGeneration, GenerationLog
from core.models.projects import Project
from core.models.statuses import Call, Job
from core.models.training import TrainingFile
from core.storage.database import Database
from core.storage.demo_repo import DemoRepo
from core.storage.ports import DemoRows

DAY = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def demo(db: Database) -> DemoRows:
    return DemoRepo(db)


def test_a_job_with_its_items_and_log_lines(db: Database, demo: DemoRows) -> None:
    assert demo.has_job("Demo batch") is False
    job = BatchJob(name="Demo batch", status=Job.COMPLETED, total_items=2)
    demo.add_job(job, [BatchItem(job_id=job.id, position=1), BatchItem(job_id=job.id, position=2)])
    demo.add_item(BatchItem(job_id=job.id, position=3))
    assert demo.has_job("Demo batch") is True
    assert sorted(i.position for i in db.items.list(where={"job_id": job.id})) == [1, 2, 3]
    assert demo.update_job(job.id, total_items=3, failed_items=1).total_items == 3
    demo.add_log_lines([BatchLogLine(job_id=job.id, message=m, created_at=DAY) for m in ("one", "two")])
    assert sorted(line.message for line in db.batch_logs.list(where={"job_id": job.id})) == ["one", "two"]


def test_a_failed_job_item_cannot_leave_half_a_job(demo: DemoRows, db: Database) -> None:
    job = BatchJob(name="Half")
    item = BatchItem(job_id=job.id, position=1)
    with pytest.raises(ConflictError):  # the second item repeats the first's id
        demo.add_job(job, [item, item])
    assert demo.has_job("Half") is False and db.items.count() == 0


def test_call_rows_linked_backdated_and_marked_as_demo(db: Database, demo: DemoRows) -> None:
    talk = db.conversations.add(Conversation(conversation_name="Talk"))
    assert demo.has_calls(talk.conversation_id) is False
    job = BatchJob(name="Demo batch")
    demo.add_job(job, [])
    demo.add_call(GenerationLog(model="m", conversation_id=talk.conversation_id, cost_usd=0.2, created_at=DAY))
    failed = GenerationLog(model="m", job_id=job.id, status=Call.FAILED, cost_usd=0.1)
    demo.add_call(failed)
    demo.add_call(GenerationLog(model="m", cost_usd=0.3))  # neither the job's nor the conversation's
    assert demo.has_calls(talk.conversation_id) is True
    demo.link(talk.conversation_id, template_id="t1", job_id=job.id)
    linked = db.conversations.get(talk.conversation_id)
    assert (linked.template_id, linked.job_id) == ("t1", job.id)
    demo.backdate_failed_calls(job.id, DAY)
    assert db.logs.get(failed.id).created_at == DAY
    failure = db.failures.add(FailedGeneration(prompt="p", model="m", failure_type="truncation"))
    demo.backdate_failure(failure.id, DAY)
    assert db.failures.get(failure.id).created_at == DAY
    demo.mark_demo(job_id=job.id, conversation_ids=[talk.conversation_id])
    assert sorted((r.cost_usd, r.is_demo) for r in db.logs.list()) == [(0.1, True), (0.2, True), (0.3, False)]


def test_the_owners_training_file_of_a_name_in_this_project_only(db: Database, demo: DemoRows) -> None:
    owner = "11111111-1111-1111-1111-111111111111"
    db.projects.add(Project(id="p-coach", slug="coach", name="Career coach"))
    db.in_project("p-coach").training_files.add(TrainingFile(name="Demo training file", created_by=owner))
    assert demo.training_file("Demo training file", owner) is None
    mine = db.training_files.add(TrainingFile(name="Demo training file", created_by=owner))
    found = demo.training_file("Demo training file", owner)
    assert found is not None and found.id == mine.id
    assert demo.training_file("Demo training file", None) is None
    assert DemoRepo(db.in_project("p-coach")).has_job("anything") is False
