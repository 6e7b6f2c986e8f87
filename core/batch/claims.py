"""Claiming items under a lease, finishing them, and keeping the job's counters true. The only SQL of batch.

Atomicity: on SQLite every transaction starts with ``BEGIN IMMEDIATE`` (``core/storage/database.py``), so a
select-then-update inside one ``db.transaction()`` cannot interleave with another writer. On Postgres the
select takes ``FOR UPDATE SKIP LOCKED``, so workers on many machines claim different items without waiting.

Counters are never incremented: every change of item status recounts the job's items in the same
transaction, after locking the job row (Postgres), so two workers finishing at once cannot lose a count.
``completed_items`` is every finished item (successful + failed), as in the earlier system.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa

from core.batch import joblog
from core.batch.processor import ItemOutcome
from core.models.base import utcnow
from core.models.jobs import BatchItem, BatchJob
from core.storage import schema
from core.storage.database import Database

items_t = schema.batch_items
jobs_t = schema.batch_jobs
RUNNABLE = ("queued", "processing")
TERMINAL = ("completed", "failed", "cancelled")
ClaimState = Literal["claimed", "waiting", "done", "stopped", "budget"]


@dataclass(frozen=True)
class Claim:
    """What a claim attempt found: an item, or why there is none (``waiting``: others hold the rest)."""

    state: ClaimState
    item: BatchItem | None = None


def lock_job(conn: sa.Connection, job_id: str, *, lock: bool = True) -> BatchJob | None:
    """Read the job, holding its row lock on Postgres until the transaction ends (SQLite holds the db)."""
    query = sa.select(jobs_t).where(jobs_t.c.id == job_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return BatchJob.model_validate(dict(row._mapping)) if row else None


def _claimable(job_id: str, now: datetime) -> sa.ColumnElement[bool]:
    expired = sa.and_(items_t.c.status == "processing", items_t.c.lease_expires_at < now)
    return sa.and_(items_t.c.job_id == job_id, sa.or_(items_t.c.status == "queued", expired))


def claim_next(db: Database, job_id: str, owner: str, *, lease_s: float, now: datetime | None = None) -> Claim:
    """Claim the lowest-position queued item (or one whose lease expired) for ``owner``.

    The job's ``concurrency`` holds across every worker: no claim while that many items are in flight.
    The job row is locked first (Postgres) so the in-flight count and the budget check are exact.
    """
    now = now or utcnow()
    with db.transaction() as conn:
        job = lock_job(conn, job_id)
        if job is None or job.status not in RUNNABLE:
            return Claim("stopped")
        busy = in_flight(conn, job_id, now)
        if busy >= job.concurrency:
            return Claim("waiting")
        if over_budget(job, busy):
            if busy:
                return Claim("waiting")  # what is in flight may still fit; decide when it is done
            stop_budget(conn, db, job)
            return Claim("budget")
        query = sa.select(items_t).where(_claimable(job_id, now)).order_by(items_t.c.position).limit(1)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = conn.execute(query).first()
        if row is None:
            if in_flight(conn, job_id):
                return Claim("waiting")
            finalize_if_done(conn, db, job_id)
            return Claim("done")
        item = BatchItem.model_validate(dict(row._mapping))
        if item.status == "processing":
            joblog.write(db, job_id, f"Item {item.position}: lease expired, claimed again.", item_id=item.id,
                         level="warning", conn=conn)  # fmt: skip
        values = {
            "status": "processing",
            "lease_owner": owner,
            "lease_expires_at": now + timedelta(seconds=lease_s),
            "attempts": item.attempts + 1,
            "started_at": item.started_at or now,
            "updated_at": now,
        }
        conn.execute(sa.update(items_t).where(items_t.c.id == item.id).values(**values))
        if job.status == "queued":
            conn.execute(
                sa.update(jobs_t)
                .where(jobs_t.c.id == job_id)
                .values(status="processing", started_at=now, updated_at=now)
            )
        return Claim("claimed", item.model_copy(update=values))


def in_flight(conn: sa.Connection, job_id: str, now: datetime | None = None) -> int:
    """Items being worked on; with ``now``, only those whose lease is still live."""
    where = [items_t.c.job_id == job_id, items_t.c.status == "processing"]
    if now is not None:
        where.append(items_t.c.lease_expires_at >= now)
    return int(conn.execute(sa.select(sa.func.count()).where(*where)).scalar_one())


def expected_item_cost(job: BatchJob) -> float:
    """Average cost of the items finished so far, else the estimate made when the job was created."""
    finished = job.completed_items
    if finished and job.cost_usd > 0:
        return job.cost_usd / finished
    return float(job.shared_parameters.get("estimated_item_cost_usd") or 0.0)


def over_budget(job: BatchJob, busy: int) -> bool:
    """Would one more item (on top of those in flight) push the job's cost past its cap?"""
    if job.budget_usd is None:
        return False
    return job.cost_usd + expected_item_cost(job) * (busy + 1) > job.budget_usd + 1e-9


def stop_budget(conn: sa.Connection, db: Database, job: BatchJob) -> None:
    """Pause a job whose next item would pass its budget cap; raising the cap and resuming continues it."""
    reason = f"Budget cap ${job.budget_usd or 0:.2f} reached (spent ${job.cost_usd:.4f}); raise it to resume."
    conn.execute(sa.update(jobs_t).where(jobs_t.c.id == job.id)
                 .values(status="paused", stop_reason=reason, updated_at=utcnow()))  # fmt: skip
    joblog.write(db, job.id, reason, level="warning", conn=conn)


def finish(db: Database, item: BatchItem, owner: str, outcome: ItemOutcome) -> bool:
    """Record an item's outcome if ``owner`` still holds its lease; recount; apply stop-on-error; finalize.

    Returns False (and changes nothing) when the lease was lost, e.g. the item was claimed again after this
    worker stalled past its lease.
    """
    now = utcnow()
    with db.transaction() as conn:
        job = lock_job(conn, item.job_id)
        guard = sa.and_(items_t.c.id == item.id, items_t.c.status == "processing", items_t.c.lease_owner == owner)
        values = {
            "status": outcome.status,
            "conversation_id": outcome.conversation_id,
            "failure_id": outcome.failure_id,
            "error_message": outcome.error_message,
            "cost_usd": outcome.cost_usd,
            "input_tokens": outcome.input_tokens,
            "output_tokens": outcome.output_tokens,
            "lease_owner": None,
            "lease_expires_at": None,
            "finished_at": now,
            "updated_at": now,
        }
        if conn.execute(sa.update(items_t).where(guard).values(**values)).rowcount == 0:
            return False
        if outcome.status == "failed" and job is not None:
            joblog.write(db, job.id, f"Item {item.position} failed: {outcome.error_message}", level="error",
                         item_id=item.id, conn=conn)  # fmt: skip
            if job.error_handling == "stop" and job.status in RUNNABLE:
                stop_job(conn, db, job.id, "failed", f"Stopped on error at item {item.position}.")
        recount(conn, item.job_id)
        finalize_if_done(conn, db, item.job_id)
        return True


def release(db: Database, item: BatchItem, owner: str) -> None:
    """Give a claimed item back to the queue untouched (the job was paused before it was sent)."""
    with db.transaction() as conn:
        guard = sa.and_(items_t.c.id == item.id, items_t.c.status == "processing", items_t.c.lease_owner == owner)
        conn.execute(
            sa.update(items_t).where(guard).values(status="queued", lease_owner=None, lease_expires_at=None,
                                                   attempts=items_t.c.attempts - 1, updated_at=utcnow())
        )  # fmt: skip


def renew_leases(db: Database, owner: str, *, lease_s: float) -> int:
    """Extend every lease ``owner`` holds (the heartbeat). Returns how many."""
    now = utcnow()
    held = sa.and_(items_t.c.lease_owner == owner, items_t.c.status == "processing")
    with db.transaction() as conn:
        update = sa.update(items_t).where(held).values(lease_expires_at=now + timedelta(seconds=lease_s))
        return int(conn.execute(update).rowcount)


def stop_job(conn: sa.Connection, db: Database, job_id: str, status: str, reason: str) -> None:
    """End a job early: queued items become ``cancelled``; items in flight finish on their own."""
    now = utcnow()
    queued = sa.and_(items_t.c.job_id == job_id, items_t.c.status == "queued")
    conn.execute(sa.update(items_t).where(queued).values(status="cancelled", finished_at=now, updated_at=now))
    conn.execute(
        sa.update(jobs_t)
        .where(jobs_t.c.id == job_id)
        .values(status=status, stop_reason=reason, completed_at=now, updated_at=now)
    )
    joblog.write(db, job_id, reason, level="warning" if status != "failed" else "error", conn=conn)


def reap_expired(conn: sa.Connection, db: Database, job: BatchJob, now: datetime | None = None) -> int:
    """Items whose worker died while the job was paused or cancelled: back to the queue, or cancelled."""
    now = now or utcnow()
    if job.status in RUNNABLE:
        return 0  # claims pick these up
    expired = sa.and_(items_t.c.job_id == job.id, items_t.c.status == "processing", items_t.c.lease_expires_at < now)
    target = "queued" if job.status == "paused" else "cancelled"
    values = {"status": target, "lease_owner": None, "lease_expires_at": None, "updated_at": now}
    if target == "cancelled":
        values["finished_at"] = now
    count = int(conn.execute(sa.update(items_t).where(expired).values(**values)).rowcount)
    if count:
        recount(conn, job.id)
    return count


def recount(conn: sa.Connection, job_id: str) -> dict[str, int | float]:
    """Set the job's counters, cost and tokens from its items (call inside the transaction that changed them)."""
    query = (
        sa.select(
            items_t.c.status,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(items_t.c.cost_usd), 0.0),
            sa.func.coalesce(sa.func.sum(items_t.c.input_tokens), 0),
            sa.func.coalesce(sa.func.sum(items_t.c.output_tokens), 0),
        )
        .where(items_t.c.job_id == job_id)
        .group_by(items_t.c.status)
    )
    by_status: dict[str, int] = {}
    cost, tokens_in, tokens_out = 0.0, 0, 0
    for status, n, c, i, o in conn.execute(query):
        by_status[str(status)] = int(n)
        cost, tokens_in, tokens_out = cost + float(c), tokens_in + int(i), tokens_out + int(o)
    counters: dict[str, int | float] = {
        "total_items": sum(by_status.values()),
        "successful_items": by_status.get("completed", 0),
        "failed_items": by_status.get("failed", 0),
        "cancelled_items": by_status.get("cancelled", 0),
        "completed_items": by_status.get("completed", 0) + by_status.get("failed", 0),
        "cost_usd": round(cost, 6),
        "input_tokens": tokens_in,
        "output_tokens": tokens_out,
    }
    conn.execute(sa.update(jobs_t).where(jobs_t.c.id == job_id).values(**counters, updated_at=utcnow()))
    return counters


def finalize_if_done(conn: sa.Connection, db: Database, job_id: str) -> str | None:
    """A running job with no queued or processing items ends: ``failed`` if nothing succeeded, else
    ``completed``. A cancelled or failed job gets its end time once its last item in flight is done."""
    job = lock_job(conn, job_id)
    if job is None:
        return None
    open_items = sa.select(sa.func.count()).where(
        items_t.c.job_id == job_id, items_t.c.status.in_(("queued", "processing"))
    )
    if int(conn.execute(open_items).scalar_one()):
        return None
    now = utcnow()
    if job.status in RUNNABLE:
        status = "failed" if job.successful_items == 0 and job.failed_items > 0 else "completed"
        conn.execute(
            sa.update(jobs_t).where(jobs_t.c.id == job_id).values(status=status, completed_at=now, updated_at=now)
        )
        joblog.write(db, job_id, f"Job {status}: {job.successful_items} succeeded, {job.failed_items} failed.",
                     conn=conn)  # fmt: skip
        return status
    return None
