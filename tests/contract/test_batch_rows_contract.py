"""The batch engine's ports beside the queue, on SQLite and on the real PostgreSQL: ``BatchRows``
(``core.storage.batch_rows``: jobs and items as typed rows, the jobs' log), the call log's reads
(``GenerationLogPort.find`` and ``successful_calls``) and ``JobQueue.insert_items``, each inside its project."""

from __future__ import annotations

import pytest

from core.bootstrap import batch_store
from core.bootstrap.storage import project_rows
from core.models.jobs import BatchItem, BatchJob, BatchLogLine
from core.models.logs import GenerationLog
from core.models.projects import Project
from core.models.statuses import Call, Item, Job
from core.storage.database import Database
from core.storage.ports import BatchRows, GenerationLogPort, JobQueue


@pytest.fixture
def other(db: Database) -> Database:
    """The same database bound to a second project."""
    project = project_rows(db).rows.add(Project(slug="coach", name="Career coach"))
    return db.in_project(project.id)


def new_job(db: Database, queue: JobQueue, n: int) -> BatchJob:
    job = BatchJob(name="rows contract job", total_items=n)
    with db.transaction() as conn:
        db.jobs.add(job, conn=conn)
        params = ({"persona_key": f"p{k}", "variation": k} for k in range(1, n + 1))
        assert queue.insert_items(conn, BatchItem(job_id=job.id, position=1, created_by="u1"), params) == n
    return job


def test_insert_items_gives_each_item_its_own_id_and_the_next_position(db: Database) -> None:
    store = batch_store(db)
    job = new_job(db, store.queue, 4)
    items = store.items.list(where={"job_id": job.id}, order_by="position")
    assert [i.position for i in items] == [1, 2, 3, 4]
    assert [i.parameters["variation"] for i in items] == [1, 2, 3, 4]
    assert len({i.id for i in items}) == 4
    assert all(i.status == Item.QUEUED and i.created_by == "u1" and i.job_id == job.id for i in items)


def test_jobs_and_items_are_typed_rows_of_their_project(db: Database, other: Database) -> None:
    mine, theirs = batch_store(db), batch_store(other)
    job = new_job(db, mine.queue, 3)
    assert mine.jobs.get(job.id).name == "rows contract job"
    mine.jobs.update(job.id, status=Job.PAUSED, stop_reason="Paused.")
    assert (mine.jobs.get(job.id).status, mine.jobs.get(job.id).stop_reason) == (Job.PAUSED, "Paused.")
    assert mine.items.count(where={"job_id": job.id, "status": Item.QUEUED}) == 3
    # Another project sees none of them, and its own job is not seen here.
    assert theirs.jobs.find(job.id) is None and theirs.items.count(where={"job_id": job.id}) == 0
    elsewhere = new_job(other, theirs.queue, 2)
    assert [j.id for j in mine.jobs.list()] == [job.id]
    assert theirs.items.count(where={"job_id": elsewhere.id}) == 2


def test_the_log_gives_the_newest_lines_oldest_first(db: Database, other: Database) -> None:
    store = batch_store(db)
    rows: BatchRows = store.rows
    job = new_job(db, store.queue, 1)
    for n in range(5):
        rows.write_log(BatchLogLine(job_id=job.id, message=f"line {n}"))
    with db.transaction() as conn:  # inside a caller's transaction too
        rows.write_log(BatchLogLine(job_id=job.id, level="warning", message="line 5"), conn=conn)
    latest = rows.latest_log(job.id, limit=3)
    assert [line.message for line in latest] == ["line 3", "line 4", "line 5"]
    assert latest[-1].level == "warning"
    assert batch_store(other).rows.latest_log(job.id) == []


def test_a_write_in_a_transaction_that_rolls_back_leaves_no_line(db: Database) -> None:
    store = batch_store(db)
    job = new_job(db, store.queue, 1)
    with pytest.raises(RuntimeError), db.transaction() as conn:
        store.rows.write_log(BatchLogLine(job_id=job.id, message="never"), conn=conn)
        raise RuntimeError("rolled back")
    assert store.rows.latest_log(job.id) == []


def test_the_call_log_finds_a_row_and_a_conversations_successful_calls(db: Database, other: Database) -> None:
    calls: GenerationLogPort = batch_store(db).calls
    rows = [
        GenerationLog(conversation_id="c1", model="m", status=Call.FAILED, cost_usd=0.0),
        GenerationLog(conversation_id="c1", model="m", status=Call.SUCCESS, cost_usd=0.25, input_tokens=10),
        GenerationLog(conversation_id="c1", model="m", status=Call.SUCCESS, cost_usd=0.5, input_tokens=20),
        GenerationLog(conversation_id="c2", model="m", status=Call.SUCCESS, cost_usd=1.0),
    ]
    with db.transaction() as conn:
        for row in rows:
            calls.insert(conn, row)
    found = calls.find(rows[0].id)
    assert found is not None and found.status == Call.FAILED
    assert calls.find("no-such-row") is None
    successful = calls.successful_calls("c1")
    assert sorted(r.cost_usd for r in successful) == [0.25, 0.5]
    assert sum(r.input_tokens for r in successful) == 30
    assert batch_store(other).calls.successful_calls("c1") == []
    assert batch_store(other).calls.find(rows[0].id) is None
