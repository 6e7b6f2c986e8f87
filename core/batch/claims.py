"""The batch engine's unit of work: claim items under a lease, finish them, give them back.

Each function here is one transaction over the job queue (``core.storage.jobqueue``, where the SQL and the
rules of atomicity, counters and fencing are written down). Online lanes and Message Batches mode claim
through the same ``claim(n, lease)``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from core.batch.processor import ItemOutcome
from core.models.base import utcnow
from core.models.budget import expected_item_cost, over_budget
from core.models.jobs import BatchItem, BatchJob
from core.storage import jobqueue
from core.storage.database import Database
from core.storage.jobqueue import RUNNABLE, TERMINAL, Claim, in_flight, lock_job, new_token, recount

__all__ = [
    "RUNNABLE",
    "TERMINAL",
    "Claim",
    "claim",
    "claim_next",
    "expected_item_cost",
    "fence",
    "finish",
    "in_flight",
    "lock_job",
    "new_token",
    "over_budget",
    "recount",
    "release",
    "renew_leases",
]


def claim(
    db: Database, job_id: str, owner: str, *, n: int | None, lease_s: float, now: datetime | None = None
) -> Claim:
    """Claim up to ``n`` items (``None``: every queued item that fits the budget) in one transaction."""
    with db.transaction() as conn:
        return jobqueue.claim(conn, db.batch_logs, job_id, owner, n=n, lease_s=lease_s, now=now)


def claim_next(db: Database, job_id: str, owner: str, *, lease_s: float, now: datetime | None = None) -> Claim:
    """Claim the lowest-position claimable item for ``owner`` (an online lane's claim)."""
    return claim(db, job_id, owner, n=1, lease_s=lease_s, now=now or utcnow())


def finish(db: Database, item: BatchItem, owner: str, outcome: ItemOutcome) -> bool:
    """Record an item's outcome if ``owner`` still holds this claim (False, changing nothing, if not)."""
    with db.transaction() as conn:
        return jobqueue.finish(conn, db.batch_logs, item, owner, outcome)


def finishing(db: Database, item: BatchItem, outcome: ItemOutcome) -> Callable[[sa.Connection], None]:
    """A step for the transaction that stores ``item``'s result: finish the item there (its owner is the
    claim's), raising ``LeaseLostError`` when the claim was taken over, so the whole store is refused."""

    def step(conn: sa.Connection) -> None:
        jobqueue.finish_or_raise(conn, db.batch_logs, item, item.lease_owner or "", outcome)

    return step


def fence(item: BatchItem) -> Callable[[sa.Connection], None]:
    """A check for the transaction that stores ``item``'s result: raises ``LeaseLostError`` when the claim
    was taken over (on Postgres it locks the item row until that transaction ends)."""
    return lambda conn: jobqueue.fence(conn, item)


def release(db: Database, item: BatchItem, owner: str) -> None:
    """Give a claimed item back to the queue untouched (the job was paused before it was sent)."""
    with db.transaction() as conn:
        jobqueue.release(conn, [item], owner)


def renew_leases(db: Database, owner: str, *, lease_s: float) -> int:
    """Extend every lease ``owner`` holds (the heartbeat). Returns how many."""
    with db.transaction() as conn:
        return jobqueue.renew_leases(conn, owner, lease_s=lease_s)


def stop_job(conn: sa.Connection, db: Database, job_id: str, status: str, reason: str) -> None:
    jobqueue.stop_job(conn, db.batch_logs, job_id, status, reason)


def stop_budget(conn: sa.Connection, db: Database, job: BatchJob) -> None:
    jobqueue.stop_budget(conn, db.batch_logs, job)


def reap_expired(conn: sa.Connection, db: Database, job: BatchJob, now: datetime | None = None) -> int:
    return jobqueue.reap_expired(conn, job, now)


def finalize_if_done(conn: sa.Connection, db: Database, job_id: str) -> str | None:
    return jobqueue.finalize_if_done(conn, db.batch_logs, job_id)
