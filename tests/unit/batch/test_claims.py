"""Claiming under a lease, finishing, and counters, on SQLite and Postgres."""

from __future__ import annotations

import threading
from datetime import timedelta

from core.batch.processor import ItemOutcome
from core.models.base import utcnow
from core.storage.database import Database
from core.storage.jobqueue import SqlJobQueue
from tests.unit.batch.helpers import make_job


def test_claim_takes_the_lowest_queued_item_with_a_lease(db: Database) -> None:
    job = make_job(db, 3)
    claim = SqlJobQueue(db).claim(job.id, "w1", n=1, lease_s=30)
    assert claim.item is not None and claim.item.position == 1
    stored = db.items.get(claim.item.id)
    assert (stored.status, stored.lease_owner, stored.attempts) == ("processing", "w1", 1)
    assert stored.lease_expires_at is not None and stored.lease_expires_at > utcnow()
    assert db.jobs.get(job.id).status == "processing"


def test_concurrent_claimers_never_share_an_item(db: Database) -> None:
    job = make_job(db, 40, concurrency=64)
    taken: list[str] = []
    lock = threading.Lock()

    def claimer(owner: str) -> None:
        while (claim := SqlJobQueue(db).claim(job.id, owner, n=1, lease_s=30)).item is not None:
            with lock:
                taken.append(claim.item.id)

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(taken) == 40 and len(set(taken)) == 40


def test_an_expired_lease_is_claimed_again_but_a_live_one_is_not(db: Database) -> None:
    job = make_job(db, 1)
    first = SqlJobQueue(db).claim(job.id, "dead", n=1, lease_s=30).item
    assert first is not None
    assert SqlJobQueue(db).claim(job.id, "other", n=1, lease_s=30).state == "waiting"
    later = utcnow() + timedelta(seconds=31)
    again = SqlJobQueue(db).claim(job.id, "other", n=1, lease_s=30, now=later).item
    assert again is not None and again.id == first.id and again.attempts == 2
    assert SqlJobQueue(db).finish(first, "dead", ItemOutcome.success("c1")) is False  # the dead worker lost it
    assert SqlJobQueue(db).finish(again, "other", ItemOutcome.success("c1")) is True


def test_finishing_recounts_the_job_and_completes_it(db: Database) -> None:
    job = make_job(db, 2)
    a = SqlJobQueue(db).claim(job.id, "w", n=1, lease_s=30).item
    b = SqlJobQueue(db).claim(job.id, "w", n=1, lease_s=30).item
    assert a is not None and b is not None
    SqlJobQueue(db).finish(a, "w", ItemOutcome.success("c1", cost_usd=0.5, input_tokens=10, output_tokens=20))
    SqlJobQueue(db).finish(b, "w", ItemOutcome.failure("boom", cost_usd=0.25))
    done = db.jobs.get(job.id)
    assert (done.status, done.completed_items, done.successful_items, done.failed_items) == ("completed", 2, 1, 1)
    assert done.cost_usd == 0.75 and done.input_tokens == 10 and done.completed_at is not None


def test_claims_respect_the_jobs_concurrency_across_workers(db: Database) -> None:
    job = make_job(db, 5, concurrency=2)
    assert SqlJobQueue(db).claim(job.id, "w1", n=1, lease_s=30).item is not None
    assert SqlJobQueue(db).claim(job.id, "w2", n=1, lease_s=30).item is not None
    assert SqlJobQueue(db).claim(job.id, "w3", n=1, lease_s=30).state == "waiting"


def test_a_job_pauses_when_the_next_item_would_pass_its_budget(db: Database) -> None:
    job = make_job(db, 5, budget_usd=1.0, shared_parameters={"estimated_item_cost_usd": 0.4})
    for _ in range(2):
        item = SqlJobQueue(db).claim(job.id, "w", n=1, lease_s=30).item
        assert item is not None
        SqlJobQueue(db).finish(item, "w", ItemOutcome.success(f"c{item.position}", cost_usd=0.4))
    claim = SqlJobQueue(db).claim(job.id, "w", n=1, lease_s=30)
    stopped = db.jobs.get(job.id)
    assert claim.state == "budget" and stopped.status == "paused"
    assert stopped.stop_reason is not None and "Budget" in stopped.stop_reason
    assert stopped.cost_usd <= 1.0
