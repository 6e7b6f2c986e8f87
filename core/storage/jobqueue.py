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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.models.base import utcnow
from core.models.budget import budget_reason, items_that_fit
from core.models.jobs import BatchItem, BatchJob, Claim
from core.models.statuses import JOB_UNFINISHED, RUNNABLE, ClaimFound, Item, Job, JobStatus
from core.storage import job_batches, job_ending
from core.storage.job_finish import fence, finish
from core.storage.job_rows import LogLines, b, in_flight, items_t, jobs_t, lock_job, new_token, note
from core.storage.ports import ItemResult

if TYPE_CHECKING:
    from core.storage.database import Database

__all__ = ["SqlJobQueue", "claim", "new_token"]

_CLAIM_COLUMNS = [
    jobs_t.c[name]
    for name in ("id", "status", "mode", "concurrency", "total_items", "budget_usd", "cost_usd", "completed_items")
]
_JOB_FOR_CLAIM = {
    "sqlite": sa.select(*_CLAIM_COLUMNS).where(jobs_t.c.id == b("b_job")),
    "postgresql": sa.select(*_CLAIM_COLUMNS).where(jobs_t.c.id == b("b_job")).with_for_update(),
}
_QUEUED = (
    sa.select(items_t)
    .where(items_t.c.job_id == b("b_job"), items_t.c.status == Item.QUEUED)
    .order_by(items_t.c.position)
    .limit(b("b_n"))
)
_EXPIRED = (
    sa.select(items_t)
    .where(items_t.c.job_id == b("b_job"), items_t.c.status == Item.PROCESSING, items_t.c.lease_expires_at < b("b_now"))
    .order_by(items_t.c.position)
    .limit(b("b_n"))
)
_NEXT = {
    "sqlite": (_QUEUED, _EXPIRED),
    "postgresql": (_QUEUED.with_for_update(skip_locked=True), _EXPIRED.with_for_update(skip_locked=True)),
}
_TAKE = (
    sa.update(items_t)
    .where(items_t.c.id == b("b_id"))
    .values(
        status=Item.PROCESSING,
        attempt_token=b("b_token"),
        lease_owner=b("b_owner"),
        lease_expires_at=b("b_expires"),
        attempts=b("b_attempts"),
        started_at=b("b_started"),
        updated_at=b("b_now"),
    )
)
_START_JOB = (
    sa.update(jobs_t)
    .where(jobs_t.c.id == b("b_job"), jobs_t.c.status == Job.QUEUED)
    .values(status=Job.PROCESSING, started_at=b("b_now"), updated_at=b("b_now"))
)


@dataclass(frozen=True)
class _ClaimView:
    """The job's numbers a claim needs (no budget cap, so not its parameters)."""

    id: str
    status: str
    mode: str
    concurrency: int
    total_items: int
    budget_usd: float | None
    cost_usd: float
    completed_items: int
    shared_parameters: dict[str, Any] = field(default_factory=dict)


def _job_for_claim(conn: sa.Connection, job_id: str) -> _ClaimView | BatchJob | None:
    """The job's numbers a claim needs, its row locked (Postgres). The whole row (its parameters, with the
    estimate) is read and decoded only for a job with a budget cap: most claims skip it."""
    row = conn.execute(_JOB_FOR_CLAIM[conn.dialect.name], {"b_job": job_id}).first()
    if row is None:
        return None
    if row.budget_usd is not None:
        return lock_job(conn, job_id)
    return _ClaimView(*row)


def _claimable(conn: sa.Connection, job_id: str, now: datetime, n: int) -> list[sa.Row[Any]]:
    """The ``n`` lowest-position items that are queued or whose lease expired: two steps down the
    (job_id, status, position) index, so a claim costs the same at item 100,000 as at item 1."""
    params = {"b_job": job_id, "b_now": now, "b_n": n}
    rows = [row for query in _NEXT[conn.dialect.name] for row in conn.execute(query, params)]
    return sorted(rows, key=lambda r: r.position)[:n]


# -- claiming -----------------------------------------------------------------------------------------
def claim(
    conn: sa.Connection,
    lines: LogLines,
    job_id: str,
    owner: str,
    *,
    n: int | None,
    lease_s: float,
    now: datetime | None = None,
) -> Claim:
    """Claim up to ``n`` items (``None``: every one that fits) for ``owner``, lowest positions first.

    An online job's ``concurrency`` holds across every worker (no claim while that many items are in flight);
    Message Batches jobs are not limited by it. The budget cap holds for both: no more items than the cap
    leaves room for, counting those in flight at the expected item cost; a job that cannot afford one more
    item and has none in flight is paused (``budget``).
    """
    job = _job_for_claim(conn, job_id)
    now = now or utcnow()
    if job is None or job.status not in RUNNABLE:
        return Claim(state=ClaimFound.STOPPED)
    busy = in_flight(conn, job_id, now)
    wanted = n if n is not None else job.total_items
    if job.mode == "online":
        wanted = min(wanted, job.concurrency - busy)
        if wanted <= 0:
            return Claim(state=ClaimFound.WAITING)
    fit = items_that_fit(job, busy, wanted)
    if fit == 0:
        if busy:
            return Claim(state=ClaimFound.WAITING)  # what is in flight may still fit; decide when it is done
        job_ending.stop_budget(conn, lines, job.id, budget_reason(job))
        return Claim(state=ClaimFound.BUDGET)
    rows = _claimable(conn, job_id, now, fit)
    if not rows:
        if in_flight(conn, job_id):
            return Claim(state=ClaimFound.WAITING)
        job_ending.finalize_if_done(conn, lines, job_id)
        return Claim(state=ClaimFound.DONE)
    expires = now + timedelta(seconds=lease_s)
    taken, params = [], []
    for row in rows:
        item = BatchItem.model_validate(dict(row._mapping))
        if item.status == Item.PROCESSING:
            message = f"Item {item.position}: lease expired, claimed again."
            note(conn, lines, job_id, message, item_id=item.id, level="warning")
        values = {
            "status": Item.PROCESSING,
            "attempt_token": new_token(),
            "lease_owner": owner,
            "lease_expires_at": expires,
            "attempts": item.attempts + 1,
            "started_at": item.started_at or now,
            "updated_at": now,
        }
        params.append(
            {
                "b_id": item.id,
                "b_token": values["attempt_token"],
                "b_owner": owner,
                "b_expires": expires,
                "b_attempts": values["attempts"],
                "b_started": values["started_at"],
                "b_now": now,
            }
        )
        taken.append(item.model_copy(update=values))
    conn.execute(_TAKE, params)
    if job.status == Job.QUEUED:
        conn.execute(_START_JOB, {"b_job": job_id, "b_now": now})
    return Claim(state=ClaimFound.CLAIMED, items=taken)


def release(conn: sa.Connection, items: Sequence[BatchItem], owner: str) -> int:
    """Give claimed items back to the queue untouched (stopped before they were sent). Returns how many."""
    values = {
        "status": Item.QUEUED,
        "lease_owner": None,
        "lease_expires_at": None,
        "attempt_token": None,
        "attempts": items_t.c.attempts - 1,
        "updated_at": utcnow(),
    }
    count = 0
    for item in items:
        held = sa.and_(_held_clause(item), items_t.c.lease_owner == owner)
        count += int(conn.execute(sa.update(items_t).where(held).values(**values)).rowcount)
    return count


def _held_clause(item: BatchItem) -> sa.ColumnElement[bool]:
    token = items_t.c.attempt_token
    same = token.is_(None) if item.attempt_token is None else token == item.attempt_token
    return sa.and_(items_t.c.id == item.id, items_t.c.status == Item.PROCESSING, same)


def renew_leases(conn: sa.Connection, owner: str, *, lease_s: float) -> int:
    """Extend every lease ``owner`` holds (the heartbeat). Returns how many."""
    held = sa.and_(items_t.c.lease_owner == owner, items_t.c.status == Item.PROCESSING)
    update = sa.update(items_t).where(held).values(lease_expires_at=utcnow() + timedelta(seconds=lease_s))
    return int(conn.execute(update).rowcount)


# -- the port --------------------------------------------------------------------------------------------
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

    def insert_items(self, conn: sa.Connection, rows: Iterable[dict[str, Any]]) -> int:
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
