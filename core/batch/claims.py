"""The batch engine's unit of work: claim items under a lease, finish them, give them back.

Each function here is one transaction over the ``JobQueue`` port (``core.storage.ports``; its SQL, and the
rules of atomicity, counters and fencing, are in ``core.storage.jobqueue``). Online lanes and Message
Batches mode claim through the same ``claim(n, lease)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.batch.processor import ItemOutcome
from core.errors import LeaseLostError
from core.models.budget import expected_item_cost, over_budget
from core.models.jobs import BatchItem, BatchJob, Claim
from core.models.statuses import RUNNABLE, TERMINAL, JobStatus
from core.storage.database import Database
from core.storage.jobqueue import SqlJobQueue, new_token
from core.storage.ports import Connection, JobQueue

__all__ = [
    "RUNNABLE",
    "TERMINAL",
    "Claim",
    "ClaimAhead",
    "claim",
    "claim_next",
    "expected_item_cost",
    "finish",
    "new_token",
    "over_budget",
    "queue",
    "release",
    "renew_leases",
]


def queue(db: Database) -> JobQueue:
    """The job queue of ``db`` (it holds no state of its own: its statements are built once per process)."""
    return SqlJobQueue(db)


def claim(
    db: Database, job_id: str, owner: str, *, n: int | None, lease_s: float, now: datetime | None = None
) -> Claim:
    """Claim up to ``n`` items (``None``: every queued item that fits the budget) in one transaction."""
    return queue(db).claim(job_id, owner, n=n, lease_s=lease_s, now=now)


def claim_next(db: Database, job_id: str, owner: str, *, lease_s: float, now: datetime | None = None) -> Claim:
    """Claim the lowest-position claimable item for ``owner`` (an online lane's claim)."""
    return claim(db, job_id, owner, n=1, lease_s=lease_s, now=now)


def finish(db: Database, item: BatchItem, owner: str, outcome: ItemOutcome) -> bool:
    """Record an item's outcome if ``owner`` still holds this claim (False, changing nothing, if not)."""
    return queue(db).finish(item, owner, outcome)


@dataclass
class ClaimAhead:
    """A lane's wish to claim its next item in the transaction that finishes its current one (one
    transaction per item fewer). ``found`` is that claim once the transaction has committed."""

    owner: str
    lease_s: float
    found: Claim | None = None


def finishing(db: Database, item: BatchItem, outcome: ItemOutcome) -> Callable[[Connection], None]:
    """A step for the transaction that stores ``item``'s result: finish the item there (its owner is the
    claim's), raising ``LeaseLostError`` when the claim was taken over, so the whole store is refused."""
    jobs = queue(db)

    def step(conn: Connection) -> None:
        if not jobs.finish(item, item.lease_owner or "", outcome, conn=conn):
            raise LeaseLostError(f"Item {item.position} was claimed again by another worker; this result is dropped.")

    return step


def claiming_ahead(db: Database, job_id: str, ahead: ClaimAhead) -> Callable[[Connection], None]:
    """A step for the end of that transaction: claim the lane's next item there (after the call's real cost
    is charged, so the budget check sees it)."""
    jobs = queue(db)

    def step(conn: Connection) -> None:
        ahead.found = jobs.claim(job_id, ahead.owner, n=1, lease_s=ahead.lease_s, conn=conn)

    return step


def release(db: Database, item: BatchItem, owner: str) -> None:
    """Give a claimed item back to the queue untouched (the job was paused before it was sent)."""
    queue(db).release([item], owner)


def renew_leases(db: Database, owner: str, *, lease_s: float) -> int:
    """Extend every lease ``owner`` holds (the heartbeat). Returns how many."""
    return queue(db).renew_leases(owner, lease_s=lease_s)


def lock_job(conn: Connection, db: Database, job_id: str) -> BatchJob | None:
    return queue(db).lock_job(conn, job_id)


def in_flight(conn: Connection, db: Database, job_id: str) -> int:
    return queue(db).in_flight(conn, job_id)


def recount(conn: Connection, db: Database, job_id: str) -> dict[str, int | float]:
    return queue(db).recount(conn, job_id)


def stop_job(conn: Connection, db: Database, job_id: str, status: JobStatus, reason: str) -> None:
    queue(db).stop_job(conn, job_id, status, reason)


def reap_expired(conn: Connection, db: Database, job: BatchJob, now: datetime | None = None) -> int:
    return queue(db).reap_expired(conn, job, now)


def finalize_if_done(conn: Connection, db: Database, job_id: str) -> str | None:
    return queue(db).finalize_if_done(conn, job_id)
