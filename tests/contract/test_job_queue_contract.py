"""The ``JobQueue`` port (``core.storage.jobqueue``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from core.batch.processor import ItemOutcome
from core.errors import LeaseLostError
from core.models.base import utcnow
from core.models.jobs import BatchItem, BatchJob
from core.models.statuses import ClaimFound, Item, Job
from core.storage.database import Database
from core.storage.jobqueue import SqlJobQueue
from core.storage.ports import JobQueue


@pytest.fixture
def queue(db: Database) -> JobQueue:
    return SqlJobQueue(db)


def new_job(db: Database, queue: JobQueue, n: int, **fields: Any) -> BatchJob:
    job = BatchJob(name="contract job", total_items=n, **fields)
    with db.transaction() as conn:
        db.jobs.add(job, conn=conn)
        assert queue.insert_items(conn, BatchItem(job_id=job.id, position=1), ({"p": p} for p in range(1, n + 1))) == n
    return job


def test_claim_n_takes_the_lowest_positions_each_with_its_own_token(db: Database, queue: JobQueue) -> None:
    job = new_job(db, queue, 5, concurrency=3)
    claim = queue.claim(job.id, "w1", n=2, lease_s=30)
    assert claim.state == ClaimFound.CLAIMED and [i.position for i in claim.items] == [1, 2]
    assert len({i.attempt_token for i in claim.items}) == 2
    stored = db.items.get(claim.items[0].id)
    assert (stored.status, stored.lease_owner, stored.attempts) == (Item.PROCESSING, "w1", 1)
    assert db.jobs.get(job.id).status == Job.PROCESSING
    # The job's concurrency (3) holds across workers: one more fits, then none.
    assert [i.position for i in queue.claim(job.id, "w2", n=5, lease_s=30).items] == [3]
    assert queue.claim(job.id, "w3", n=1, lease_s=30).state == ClaimFound.WAITING


def test_message_batches_mode_claims_every_queued_item_that_fits_the_budget(db: Database, queue: JobQueue) -> None:
    estimate = {"estimated_item_cost_usd": 0.25}
    job = new_job(db, queue, 6, mode="message_batches", concurrency=1, budget_usd=1.0, shared_parameters=estimate)
    claim = queue.claim(job.id, "submitter", n=None, lease_s=600)
    assert [i.position for i in claim.items] == [1, 2, 3, 4]  # 4 × $0.25 fit a $1.00 cap; concurrency is not used
    assert queue.claim(job.id, "submitter", n=None, lease_s=600).state == ClaimFound.WAITING


def test_a_job_that_cannot_afford_an_item_with_none_in_flight_pauses(db: Database, queue: JobQueue) -> None:
    job = new_job(db, queue, 2, budget_usd=0.1, shared_parameters={"estimated_item_cost_usd": 0.5})
    assert queue.claim(job.id, "w", n=1, lease_s=30).state == ClaimFound.BUDGET
    assert db.jobs.get(job.id).status == Job.PAUSED


def test_concurrent_claims_never_share_an_item(db: Database, queue: JobQueue) -> None:
    job = new_job(db, queue, 30, concurrency=64)
    taken: list[str] = []
    lock = threading.Lock()

    def claimer(owner: str) -> None:
        while items := queue.claim(job.id, owner, n=2, lease_s=30).items:
            with lock:
                taken.extend(i.id for i in items)

    threads = [threading.Thread(target=claimer, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 30 and len(set(taken)) == 30


def test_an_expired_lease_is_claimed_again_and_fences_out_the_old_claim(db: Database, queue: JobQueue) -> None:
    job = new_job(db, queue, 1)
    first = queue.claim(job.id, "dead", n=1, lease_s=30).items[0]
    later = utcnow() + timedelta(seconds=31)
    again = queue.claim(job.id, "other", n=1, lease_s=30, now=later).items[0]
    assert again.id == first.id and again.attempts == 2 and again.attempt_token != first.attempt_token
    with db.transaction() as conn, pytest.raises(LeaseLostError):
        queue.fence(conn, first)
    with db.transaction() as conn:
        queue.fence(conn, again)  # the live claim passes
    assert queue.finish(first, "dead", ItemOutcome.success("c1")) is False
    assert queue.finish(again, "other", ItemOutcome.success("c1", cost_usd=0.5, input_tokens=7)) is True
    done = db.jobs.get(job.id)
    assert (done.status, done.successful_items, done.input_tokens, done.cost_usd) == (Job.COMPLETED, 1, 7, 0.5)


def test_finishing_counts_and_charges_only_what_the_call_log_has_not(db: Database, queue: JobQueue) -> None:
    job = new_job(db, queue, 3)
    a, b = queue.claim(job.id, "w", n=2, lease_s=30).items
    queue.finish(a, "w", ItemOutcome.success("c1", cost_usd=0.4, input_tokens=10, output_tokens=20, charged=True))
    queue.finish(b, "w", ItemOutcome.failure("boom", cost_usd=0.25))
    job_now = db.jobs.get(job.id)
    assert (job_now.completed_items, job_now.successful_items, job_now.failed_items) == (2, 1, 1)
    assert (job_now.input_tokens, job_now.output_tokens, job_now.cost_usd) == (10, 20, 0.25)
    assert job_now.status == Job.PROCESSING  # one item is still queued
    with db.transaction() as conn:
        assert queue.recount(conn, job.id)["completed_items"] == 2


def test_release_gives_items_back_untouched_and_renew_extends_leases(db: Database, queue: JobQueue) -> None:
    job = new_job(db, queue, 2)
    items = queue.claim(job.id, "w", n=2, lease_s=5).items
    assert queue.renew_leases("w", lease_s=600) == 2
    renewed = db.items.get(items[0].id).lease_expires_at
    assert renewed is not None and renewed > utcnow() + timedelta(seconds=500)
    assert queue.release(items, "someone else") == 0
    assert queue.release(items, "w") == 2
    back = db.items.get(items[0].id)
    assert (back.status, back.lease_owner, back.attempts) == (Item.QUEUED, None, 0)


def test_stop_requeue_and_reap(db: Database, queue: JobQueue) -> None:
    job = new_job(db, queue, 3)
    (item,) = queue.claim(job.id, "w", n=1, lease_s=30).items
    queue.finish(item, "w", ItemOutcome.failure("boom"))
    with db.transaction() as conn:
        assert queue.requeue_failed(conn, job.id) == 1
        queue.stop_job(conn, job.id, Job.CANCELLED, "Cancelled.")
        assert queue.recount(conn, job.id)["cancelled_items"] == 3
    assert db.jobs.get(job.id).status == Job.CANCELLED


def test_message_batches_requests_and_submission(db: Database, queue: JobQueue) -> None:
    job = new_job(db, queue, 2, mode="message_batches")
    items = queue.claim(job.id, "submitter", n=None, lease_s=600).items
    with db.transaction() as conn:
        queue.store_requests(conn, {i.id: {"request": i.position} for i in items})
        queue.mark_submitted(conn, job.id, "submitter", "msgbatch_1", [i.id for i in items], lease=timedelta(days=2))
    waiting = queue.in_batch(job.id, "msgbatch_1")
    assert [i.position for i in waiting] == [1, 2]
    assert all(i.lease_owner == "message-batch:msgbatch_1" and i.submitted_request for i in waiting)
    assert db.jobs.get(job.id).message_batch_ids == ["msgbatch_1"]
    with db.transaction() as conn:
        assert queue.cancel_in_flight(conn, job.id) == 2
    assert queue.in_batch(job.id, "msgbatch_1") == []


def test_unfinished_work_lists_unfinished_jobs_with_only_their_items_left_to_do(db: Database, queue: JobQueue) -> None:
    running = new_job(db, queue, 3, concurrency=3)
    first, second = queue.claim(running.id, "w", n=2, lease_s=30).items
    queue.finish(first, "w", ItemOutcome.success("c1"))  # done: no longer work left
    paused = new_job(db, queue, 1)
    db.jobs.update(paused.id, status=Job.PAUSED)  # as a person pausing it leaves it: its item still queued
    cancelled = new_job(db, queue, 2)
    with db.transaction() as conn:
        queue.stop_job(conn, cancelled.id, Job.CANCELLED, "Cancelled.")
    work = {job.id: sorted(i.position for i in items) for job, items in queue.unfinished_work()}
    assert work[running.id] == [2, 3]  # one in flight (``second``), one queued; the finished one is gone
    assert second.position == 2
    assert work[paused.id] == [1] and cancelled.id not in work
