"""The batch engine's unit of work: claim items under a lease, finish them, give them back.

Each function here is one transaction over the ``JobQueue`` port (``core.storage.ports``; its SQL, and the
rules of atomicity, counters and fencing, are in ``core.storage.jobqueue``). The queue is built once, in the
composition root (``core.bootstrap``), and handed to the services and the worker, which pass it here. Online
lanes and Message Batches mode claim through the same ``claim(n, lease)``.
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
from core.storage.jobqueue import new_token
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
    "release",
    "renew_leases",
]


def claim(
    jobs: JobQueue, job_id: str, owner: str, *, n: int | None, lease_s: float, now: datetime | None = None
) -> Claim:
    """Claim up to ``n`` items (``None``: every queued item that fits the budget) in one transaction."""
    return jobs.claim(job_id, owner, n=n, lease_s=lease_s, now=now)


def claim_next(jobs: JobQueue, job_id: str, owner: str, *, lease_s: float, now: datetime | None = None) -> Claim:
    """Claim the lowest-position claimable item for ``owner`` (an online lane's claim)."""
    return claim(jobs, job_id, owner, n=1, lease_s=lease_s, now=now)


def finish(jobs: JobQueue, item: BatchItem, owner: str, outcome: ItemOutcome) -> bool:
    """Record an item's outcome if ``owner`` still holds this claim (False, changing nothing, if not)."""
    return jobs.finish(item, owner, outcome)


@dataclass
class ClaimAhead:
    """A lane's wish to claim its next item in the transaction that finishes its current one (one
    transaction per item fewer). ``found`` is that claim once the transaction has committed."""

    owner: str
    lease_s: float
    found: Claim | None = None


def finishing(jobs: JobQueue, item: BatchItem, outcome: ItemOutcome) -> Callable[[Connection], None]:
    """A step for the transaction that stores ``item``'s result: finish the item there (its owner is the
    claim's), raising ``LeaseLostError`` when the claim was taken over, so the whole store is refused."""

    def step(conn: Connection) -> None:
        if not jobs.finish(item, item.lease_owner or "", outcome, conn=conn):
            raise LeaseLostError(f"Item {item.position} was claimed again by another worker; this result is dropped.")

    return step


def claiming_ahead(jobs: JobQueue, job_id: str, ahead: ClaimAhead) -> Callable[[Connection], None]:
    """A step for the end of that transaction: claim the lane's next item there (after the call's real cost
    is charged, so the budget check sees it)."""

    def step(conn: Connection) -> None:
        ahead.found = jobs.claim(job_id, ahead.owner, n=1, lease_s=ahead.lease_s, conn=conn)

    return step


def release(jobs: JobQueue, item: BatchItem, owner: str) -> None:
    """Give a claimed item back to the queue untouched (the job was paused before it was sent)."""
    jobs.release([item], owner)


def renew_leases(jobs: JobQueue, owner: str, *, lease_s: float) -> int:
    """Extend every lease ``owner`` holds (the heartbeat). Returns how many."""
    return jobs.renew_leases(owner, lease_s=lease_s)


def lock_job(conn: Connection, jobs: JobQueue, job_id: str) -> BatchJob | None:
    return jobs.lock_job(conn, job_id)


def in_flight(conn: Connection, jobs: JobQueue, job_id: str) -> int:
    return jobs.in_flight(conn, job_id)


def recount(conn: Connection, jobs: JobQueue, job_id: str) -> dict[str, int | float]:
    return jobs.recount(conn, job_id)


def stop_job(conn: Connection, jobs: JobQueue, job_id: str, status: JobStatus, reason: str) -> None:
    jobs.stop_job(conn, job_id, status, reason)


def reap_expired(conn: Connection, jobs: JobQueue, job: BatchJob, now: datetime | None = None) -> int:
    return jobs.reap_expired(conn, job, now)


def finalize_if_done(conn: Connection, jobs: JobQueue, job_id: str) -> str | None:
    return jobs.finalize_if_done(conn, job_id)
