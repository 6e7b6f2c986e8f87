"""The runner with a deterministic processor: concurrency, retries, stop-on-error, pause and cancel."""

from __future__ import annotations

import threading
import time

from core.batch.runner import JobRunner, RunnerOptions
from core.batch.service import BatchService
from core.bootstrap import batch_store
from core.errors import LLMError
from core.storage.database import Database
from tests.unit.batch.helpers import FakeProcessor, make_job, rate_limited

FAST = RunnerOptions(lease_s=30, poll_s=0.02, max_attempts=3)


def counters(db: Database, job_id: str) -> tuple[str, int, int, int, int, int]:
    job = db.jobs.get(job_id)
    return (
        job.status,
        job.total_items,
        job.completed_items,
        job.successful_items,
        job.failed_items,
        job.cancelled_items,
    )


def test_a_job_runs_every_item_once_with_true_concurrency(db: Database) -> None:
    job = make_job(db, 12, concurrency=4)
    processor = FakeProcessor(delay_s=0.3)  # long enough for four claims to land on a loaded machine
    JobRunner(batch_store(db), processor, options=FAST).run(job.id)
    assert counters(db, job.id) == ("completed", 12, 12, 12, 0, 0)
    assert sorted(processor.calls) == list(range(1, 13))
    assert processor.max_in_flight == 4


def test_rate_limited_calls_are_retried_and_a_bad_request_is_not(db: Database) -> None:
    job = make_job(db, 3, concurrency=1)
    bad = LLMError("bad request", status_code=400)
    processor = FakeProcessor(errors={1: [rate_limited(), rate_limited()], 2: [bad]})
    JobRunner(batch_store(db), processor, options=FAST).run(job.id)
    assert processor.calls == [1, 1, 1, 2, 3]
    items = {i.position: i for i in db.items.list(where={"job_id": job.id})}
    assert items[1].status == "completed" and items[2].status == "failed"
    assert "bad request" in (items[2].error_message or "")


def test_stop_on_error_cancels_what_was_still_queued(db: Database) -> None:
    job = make_job(db, 5, concurrency=1, error_handling="stop")
    JobRunner(batch_store(db), FakeProcessor(fail=(2,)), options=FAST).run(job.id)
    assert counters(db, job.id) == ("failed", 5, 2, 1, 1, 3)
    assert "Stopped on error" in (db.jobs.get(job.id).stop_reason or "")


def test_continue_on_error_finishes_the_rest(db: Database) -> None:
    job = make_job(db, 5, concurrency=2)
    JobRunner(batch_store(db), FakeProcessor(fail=(2, 4)), options=FAST).run(job.id)
    assert counters(db, job.id) == ("completed", 5, 5, 3, 2, 0)


def _control_midway(db: Database, job_id: str, action: str, service: BatchService) -> None:
    while db.jobs.get(job_id).completed_items < 2:
        time.sleep(0.01)
    getattr(service, action)(job_id)


def test_pause_stops_claiming_and_resume_finishes(db: Database, services_for_db: BatchService) -> None:
    job = make_job(db, 10, concurrency=2)
    runner = JobRunner(batch_store(db), FakeProcessor(delay_s=0.03), options=FAST)
    threading.Thread(target=_control_midway, args=(db, job.id, "pause", services_for_db)).start()
    runner.run(job.id)
    paused = counters(db, job.id)
    assert paused[0] == "paused" and 2 <= paused[2] < 10
    assert db.items.count(where={"job_id": job.id, "status": "processing"}) == 0
    services_for_db.resume(job.id)
    runner.run(job.id)
    assert counters(db, job.id) == ("completed", 10, 10, 10, 0, 0)


def test_cancel_counts_every_item_that_never_ran(db: Database, services_for_db: BatchService) -> None:
    job = make_job(db, 10, concurrency=2)
    threading.Thread(target=_control_midway, args=(db, job.id, "cancel", services_for_db)).start()
    JobRunner(batch_store(db), FakeProcessor(delay_s=0.03), options=FAST).run(job.id)
    status, total, completed, successful, _failed, cancelled = counters(db, job.id)
    assert status == "cancelled" and completed + cancelled == total == 10
    assert cancelled >= 1 and successful == completed
    assert db.items.count(where={"job_id": job.id, "status": ["processing", "queued"]}) == 0
