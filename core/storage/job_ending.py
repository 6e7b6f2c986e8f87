"""How a job's items stop and its counters are made exact: stop, pause at the budget cap, reap dead workers'
items, requeue failed ones, recount, and end the job when nothing is left."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.models.base import utcnow
from core.models.jobs import BatchJob
from core.models.statuses import RUNNABLE, Item, Job
from core.storage.job_rows import LogLines, b, items_t, jobs_t, lock_job, note

_OPEN_ITEM = sa.select(items_t.c.id).where(items_t.c.job_id == b("b_job"), items_t.c.status.in_(RUNNABLE)).limit(1)


def stop_job(conn: sa.Connection, lines: LogLines, job_id: str, status: str, reason: str) -> None:
    """End a job early: queued items become ``cancelled``; items in flight finish on their own."""
    now = utcnow()
    queued = sa.and_(items_t.c.job_id == job_id, items_t.c.status == Item.QUEUED)
    conn.execute(sa.update(items_t).where(queued).values(status=Item.CANCELLED, finished_at=now, updated_at=now))
    conn.execute(
        sa.update(jobs_t)
        .where(jobs_t.c.id == job_id)
        .values(status=status, stop_reason=reason, completed_at=now, updated_at=now)
    )
    note(conn, lines, job_id, reason, level="warning" if status != Job.FAILED else "error")


def stop_budget(conn: sa.Connection, lines: LogLines, job_id: str, reason: str) -> None:
    """Pause a job whose next item would pass its budget cap; raising the cap and resuming continues it."""
    paused = {"status": Job.PAUSED, "stop_reason": reason, "updated_at": utcnow()}
    conn.execute(sa.update(jobs_t).where(jobs_t.c.id == job_id).values(**paused))
    note(conn, lines, job_id, reason, level="warning")


def reap_expired(conn: sa.Connection, job: BatchJob, now: datetime | None = None) -> int:
    """Items whose worker died while the job was paused or cancelled: back to the queue, or cancelled."""
    now = now or utcnow()
    if job.status in RUNNABLE:
        return 0  # claims pick these up
    expired = sa.and_(items_t.c.job_id == job.id, items_t.c.status == Item.PROCESSING, items_t.c.lease_expires_at < now)
    target = Item.QUEUED if job.status == Job.PAUSED else Item.CANCELLED
    values: dict[str, Any] = {"status": target, "lease_owner": None, "lease_expires_at": None, "updated_at": now}
    if target == Item.CANCELLED:
        values["finished_at"] = now
    count = int(conn.execute(sa.update(items_t).where(expired).values(**values)).rowcount)
    if count:
        recount(conn, job.id)
    return count


def lease_owners(conn: sa.Connection, job_id: str) -> list[str]:
    """The workers holding the job's items in flight (one short read of the job's processing items)."""
    held = sa.and_(items_t.c.job_id == job_id, items_t.c.status == Item.PROCESSING, items_t.c.lease_owner.is_not(None))
    return [str(owner) for owner in conn.execute(sa.select(items_t.c.lease_owner).where(held).distinct()).scalars()]


def expire_leases(conn: sa.Connection, lines: LogLines, job_id: str, owners: list[str], why: str) -> int:
    """End the leases ``owners`` hold on the job's items now, so the next claim takes them (their attempt tokens
    stay: should an owner still answer, its result is fenced off). Returns how many."""
    if not owners:
        return 0
    now = utcnow()
    held = sa.and_(items_t.c.job_id == job_id, items_t.c.status == Item.PROCESSING, items_t.c.lease_owner.in_(owners))
    count = int(conn.execute(sa.update(items_t).where(held).values(lease_expires_at=now, updated_at=now)).rowcount)
    if count:
        note(conn, lines, job_id, f"{why}: its {count} item(s) are claimed again at once.", level="warning")
    return count


def requeue_failed(conn: sa.Connection, job_id: str) -> int:
    """Failed items back to the queue, their result and Message Batches request forgotten. Returns how many."""
    failed = sa.and_(items_t.c.job_id == job_id, items_t.c.status == Item.FAILED)
    values = {
        "status": Item.QUEUED,
        "error_message": None,
        "failure_id": None,
        "finished_at": None,
        "message_batch_id": None,
        "submitted_request": None,
        "updated_at": utcnow(),
    }
    return int(conn.execute(sa.update(items_t).where(failed).values(**values)).rowcount)


def cancel_in_flight(conn: sa.Connection, job_id: str) -> int:
    """Items in flight of a cancelled Message Batches job: their results are not waited for."""
    in_flight_now = sa.and_(items_t.c.job_id == job_id, items_t.c.status == Item.PROCESSING)
    now = utcnow()
    values = {"status": Item.CANCELLED, "lease_owner": None, "finished_at": now, "updated_at": now}
    return int(conn.execute(sa.update(items_t).where(in_flight_now).values(**values)).rowcount)


def recount(conn: sa.Connection, job_id: str) -> dict[str, int | float]:
    """Set the job's counters and tokens from its items (call inside the transaction that changed them).
    Its cost is not recounted: it is every call's cost, charged as calls are logged."""
    query = (
        sa.select(
            items_t.c.status,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(items_t.c.input_tokens), 0),
            sa.func.coalesce(sa.func.sum(items_t.c.output_tokens), 0),
        )
        .where(items_t.c.job_id == job_id)
        .group_by(items_t.c.status)
    )
    by_status: dict[str, int] = {}
    tokens_in, tokens_out = 0, 0
    for status, n, i, o in conn.execute(query):
        by_status[str(status)] = int(n)
        tokens_in, tokens_out = tokens_in + int(i), tokens_out + int(o)
    counters: dict[str, int | float] = {
        "total_items": sum(by_status.values()),
        "successful_items": by_status.get(Item.COMPLETED, 0),
        "failed_items": by_status.get(Item.FAILED, 0),
        "cancelled_items": by_status.get(Item.CANCELLED, 0),
        "completed_items": by_status.get(Item.COMPLETED, 0) + by_status.get(Item.FAILED, 0),
        "input_tokens": tokens_in,
        "output_tokens": tokens_out,
    }
    conn.execute(sa.update(jobs_t).where(jobs_t.c.id == job_id).values(**counters, updated_at=utcnow()))
    return counters


def finalize_if_done(conn: sa.Connection, lines: LogLines, job_id: str) -> str | None:
    """A running job with no queued or processing items ends: ``failed`` if nothing succeeded, else
    ``completed``. Cheap while items are open (one step down the index); the job is read only at the end."""
    if conn.execute(_OPEN_ITEM, {"b_job": job_id}).first() is not None:
        return None
    job = lock_job(conn, job_id)
    if job is None or job.status not in RUNNABLE:
        return None
    now = utcnow()
    counted = recount(conn, job_id)  # once per job: the final counters are exact whatever came before
    succeeded, failed = int(counted["successful_items"]), int(counted["failed_items"])
    status = Job.FAILED if succeeded == 0 and failed > 0 else Job.COMPLETED
    conn.execute(sa.update(jobs_t).where(jobs_t.c.id == job_id).values(status=status, completed_at=now, updated_at=now))
    note(conn, lines, job_id, f"Job {status}: {succeeded} succeeded, {failed} failed.")
    return status
