"""The job queue (``core.storage.ports.JobQueue``): batch items claimed under a lease, finished, released, and the job's counters kept true.

One claim path for both modes (``claim``): online lanes ask for one item at a time within the job's
``concurrency``; Message Batches mode asks for every queued item that fits the budget.

Atomicity: on SQLite every transaction starts with ``BEGIN IMMEDIATE`` (``core/storage/database.py``), so a
select-then-update inside one transaction cannot interleave with another writer. On Postgres the job row is
locked first (``FOR UPDATE``) and items are taken with ``FOR UPDATE SKIP LOCKED``, so workers on many
machines claim different items without waiting.

Counters: finishing an item increments them in the transaction that finished it (the job row's lock on
Postgres, the database's on SQLite), so a job of N items costs O(N), not the O(N²) of recounting every item
after each one. Every other change of item status (stop, cancel, reap, resubmit) recounts, and so does the
end of the job, so the final counts are exact. ``completed_items`` is every finished item (successful +
failed), as in the earlier system. The job's ``cost_usd`` is never recounted: it only grows by what calls
cost (``core.storage.calllog`` charges each call as it is logged).

Fencing: each claim sets a fresh ``attempt_token``. Storing the result and finishing the item check that
token, so a worker whose lease was taken over stores and finishes nothing.

Every statement of the hot path (claim, finish, fence) is built once at import with bound parameters:
building SQLAlchemy expressions per call was a large share of each item's CPU.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.models.base import new_id
from core.models.jobs import BatchItem, BatchJob, Claim
from core.models.statuses import JOB_UNFINISHED, RUNNABLE, JobStatus
from core.storage import job_batches, job_ending
from core.storage.job_finish import fence, finish
from core.storage.job_rows import in_flight, lock_job, new_token
from core.storage.ports import ItemResult

if TYPE_CHECKING:
    from core.storage.database import Database

from core.storage.job_claims import claim, release, renew_leases

__all__ = ["SqlJobQueue", "claim", "new_token"]


class SqlJobQueue:
    """``core.storage.ports.JobQueue`` over ``db`` (the same statements on SQLite and Postgres)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(
        self,
        job_id: str,
        owner: str,
        *,
        n: int | None,
        lease_s: float,
        now: datetime | None = None,
        conn: sa.Connection | None = None,
    ) -> Claim:
        if conn is not None:
            return claim(conn, self.db.batch_logs, job_id, owner, n=n, lease_s=lease_s, now=now)
        with self.db.transaction() as fresh:
            return claim(fresh, self.db.batch_logs, job_id, owner, n=n, lease_s=lease_s, now=now)

    def finish(self, item: BatchItem, owner: str, outcome: ItemResult, *, conn: sa.Connection | None = None) -> bool:
        if conn is not None:
            return finish(conn, self.db.batch_logs, item, owner, outcome)
        with self.db.transaction() as fresh:
            return finish(fresh, self.db.batch_logs, item, owner, outcome)

    def fence(self, conn: sa.Connection, item: BatchItem) -> None:
        fence(conn, item)

    def release(self, items: Sequence[BatchItem], owner: str) -> int:
        with self.db.transaction() as conn:
            return release(conn, items, owner)

    def renew_leases(self, owner: str, *, lease_s: float) -> int:
        with self.db.transaction() as conn:
            return renew_leases(conn, owner, lease_s=lease_s)

    def lock_job(self, conn: sa.Connection, job_id: str) -> BatchJob | None:
        return lock_job(conn, job_id)

    def in_flight(self, conn: sa.Connection, job_id: str, now: datetime | None = None) -> int:
        return in_flight(conn, job_id, now)

    def insert_items(self, conn: sa.Connection, first: BatchItem, parameters: Iterable[dict[str, Any]]) -> int:
        row = self.db.items.to_row(first)
        rows = (row | {"id": new_id(), "position": n, "parameters": p} for n, p in enumerate(parameters, start=1))
        return job_batches.insert_items(conn, rows)

    def stop_job(self, conn: sa.Connection, job_id: str, status: JobStatus, reason: str) -> None:
        job_ending.stop_job(conn, self.db.batch_logs, job_id, status, reason)

    def reap_expired(self, conn: sa.Connection, job: BatchJob, now: datetime | None = None) -> int:
        return job_ending.reap_expired(conn, job, now)

    def lease_owners(self, job_id: str) -> list[str]:
        with self.db.reading() as conn:
            return job_ending.lease_owners(conn, job_id)

    def expire_leases(self, job_id: str, owners: list[str], why: str) -> int:
        with self.db.transaction() as conn:
            return job_ending.expire_leases(conn, self.db.batch_logs, job_id, owners, why)

    def requeue_failed(self, conn: sa.Connection, job_id: str) -> int:
        return job_ending.requeue_failed(conn, job_id)

    def cancel_in_flight(self, conn: sa.Connection, job_id: str) -> int:
        return job_ending.cancel_in_flight(conn, job_id)

    def recount(self, conn: sa.Connection, job_id: str) -> dict[str, int | float]:
        return job_ending.recount(conn, job_id)

    def finalize_if_done(self, conn: sa.Connection, job_id: str) -> str | None:
        return job_ending.finalize_if_done(conn, self.db.batch_logs, job_id)

    def store_requests(self, conn: sa.Connection, frozen: dict[str, dict[str, Any]]) -> None:
        job_batches.store_requests(conn, frozen)

    def mark_submitted(
        self,
        conn: sa.Connection,
        job_id: str,
        owner: str,
        batch_id: str,
        item_ids: Sequence[str],
        *,
        lease: timedelta,
    ) -> None:
        job_batches.mark_submitted(conn, self.db.batch_logs, job_id, owner, batch_id, item_ids, lease=lease)

    def in_batch(self, job_id: str, batch_id: str) -> list[BatchItem]:
        with self.db.reading() as conn:
            return job_batches.in_batch(conn, job_id, batch_id)

    def unfinished_work(self) -> list[tuple[BatchJob, list[BatchItem]]]:
        jobs = self.db.jobs.list(where={"status": list(JOB_UNFINISHED)})
        return [(job, self.db.items.list(where={"job_id": job.id, "status": list(RUNNABLE)})) for job in jobs]
