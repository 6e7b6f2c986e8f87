"""Claiming items under a lease, finishing them, and keeping the job's counters true.

Atomicity: on SQLite every transaction starts with ``BEGIN IMMEDIATE`` (``core/storage/database.py``), so a
select-then-update inside one ``db.transaction()`` cannot interleave with another writer. On Postgres the
select takes ``FOR UPDATE SKIP LOCKED``, so workers on many machines claim different items without waiting.

Counters: finishing an item increments them in the transaction that finished it, after locking the job row
(Postgres; SQLite holds the database), so two workers finishing at once cannot lose a count, and a job of
N items costs O(N), not the O(N²) of recounting every item after each one. Every other change of item
status (stop, cancel, reap, resubmit) recounts, and so does the end of the job, so the final counts are exact.
``completed_items`` is every finished item (successful + failed), as in the earlier system.

Spend is the exception: the job's ``cost_usd`` only ever grows by what calls cost (``core.generation.calls``
charges it as each call is logged), so no recount, resubmit or lost lease can forget money spent.

Fencing: each claim sets a fresh ``attempt_token``. Storing the result (``fence``) and finishing the item
check that token in their own transaction, so a worker whose lease was taken over stores and finishes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa

from core.batch import joblog
from core.batch.budget import expected_item_cost, over_budget, stop_budget
from core.batch.processor import ItemOutcome
from core.errors import LeaseLostError
from core.models.base import utcnow
from core.models.jobs import BatchItem, BatchJob
from core.storage import schema
from core.storage.database import Database

items_t = schema.batch_items
jobs_t = schema.batch_jobs
__all__ = ["expected_item_cost", "over_budget", "stop_budget"]  # the budget rules, re-exported
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


def _next_claimable(conn: sa.Connection, job_id: str, now: datetime) -> sa.Row[Any] | None:
    """The lowest-position item that is queued or whose lease expired.

    Two lookups, each one step down the (job_id, status, position) index, instead of one query with an OR
    that walks every finished item of the job in position order: a claim costs the same at item 100,000
    as at item 1.
    """
    queued = sa.and_(items_t.c.job_id == job_id, items_t.c.status == "queued")
    expired = sa.and_(items_t.c.job_id == job_id, items_t.c.status == "processing", items_t.c.lease_expires_at < now)
    rows = []
    for where in (queued, expired):
        query = sa.select(items_t).where(where).order_by(items_t.c.position).limit(1)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        if (row := conn.execute(query).first()) is not None:
            rows.append(row)
    return min(rows, key=lambda r: r.position) if rows else None


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
        row = _next_claimable(conn, job_id, now)
        if row is None:
            if in_flight(conn, job_id):
                return Claim("waiting")
            finalize_if_done(conn, db, job_id)
            return Claim("done")
        item = BatchItem.model_validate(dict(row._mapping))
        if item.status == "processing":
            message = f"Item {item.position}: lease expired, claimed again."
            joblog.write(db, job_id, message, item_id=item.id, level="warning", conn=conn)
        values = {
            "status": "processing",
            "attempt_token": new_token(),
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


def insert_items(conn: sa.Connection, rows: Iterable[dict[str, Any]], *, chunk: int = 5000) -> int:
    """Insert item rows (already shaped as the table's columns) in chunks; returns how many."""
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == chunk:
            conn.execute(sa.insert(items_t), batch)
            count, batch = count + len(batch), []
    if batch:
        conn.execute(sa.insert(items_t), batch)
    return count + len(batch)


def new_token() -> str:
    return uuid.uuid4().hex[:16]


def holds(item: BatchItem, owner: str | None = None) -> sa.ColumnElement[bool]:
    """The row is still this claim's: processing, same attempt token (and same owner when given)."""
    token = items_t.c.attempt_token
    same = token.is_(None) if item.attempt_token is None else token == item.attempt_token
    clause = sa.and_(items_t.c.id == item.id, items_t.c.status == "processing", same)
    return sa.and_(clause, items_t.c.lease_owner == owner) if owner is not None else clause


def fence(item: BatchItem) -> Callable[[sa.Connection], None]:
    """A check for the transaction that stores ``item``'s result: raises ``LeaseLostError`` when the claim
    was taken over. On Postgres it locks the item row until that transaction ends (SQLite holds the db)."""

    def check(conn: sa.Connection) -> None:
        query = sa.select(items_t.c.id).where(holds(item))
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        if conn.execute(query).first() is None:
            raise LeaseLostError(f"Item {item.position} was claimed again by another worker; this result is dropped.")

    return check


def in_flight(conn: sa.Connection, job_id: str, now: datetime | None = None) -> int:
    """Items being worked on; with ``now``, only those whose lease is still live."""
    where = [items_t.c.job_id == job_id, items_t.c.status == "processing"]
    if now is not None:
        where.append(items_t.c.lease_expires_at >= now)
    return int(conn.execute(sa.select(sa.func.count()).where(*where)).scalar_one())


def finish(db: Database, item: BatchItem, owner: str, outcome: ItemOutcome) -> bool:
    """Record an item's outcome if ``owner`` still holds this claim; recount; apply stop-on-error; finalize.

    Returns False (and changes nothing but the job's spend) when the lease was lost, e.g. the item was claimed
    again after this worker stalled past its lease. Spend the call ledger has not charged yet is charged here.
    """
    now = utcnow()
    with db.transaction() as conn:
        job = lock_job(conn, item.job_id)
        if outcome.cost_usd and not outcome.charged:
            conn.execute(
                sa.update(jobs_t)
                .where(jobs_t.c.id == item.job_id)
                .values(cost_usd=jobs_t.c.cost_usd + outcome.cost_usd)
            )
        values = {
            "status": outcome.status,
            "conversation_id": outcome.conversation_id,
            "failure_id": outcome.failure_id,
            "error_message": outcome.error_message,
            "cost_usd": items_t.c.cost_usd + outcome.cost_usd,
            "input_tokens": outcome.input_tokens,
            "output_tokens": outcome.output_tokens,
            "lease_owner": None,
            "lease_expires_at": None,
            "finished_at": now,
            "updated_at": now,
        }
        before = conn.execute(
            sa.select(items_t.c.input_tokens, items_t.c.output_tokens).where(holds(item, owner))
        ).first()
        if before is None or conn.execute(sa.update(items_t).where(holds(item, owner)).values(**values)).rowcount == 0:
            return False
        count_finished(conn, item.job_id, outcome, tokens_before=(before.input_tokens, before.output_tokens))
        if outcome.status == "failed" and job is not None:
            message = f"Item {item.position} failed: {outcome.error_message}"
            joblog.write(db, job.id, message, level="error", item_id=item.id, conn=conn)
            if job.error_handling == "stop" and job.status in RUNNABLE:
                stop_job(conn, db, job.id, "failed", f"Stopped on error at item {item.position}.")
                recount(conn, item.job_id)  # queued items were cancelled: count them all again
        finalize_if_done(conn, db, item.job_id)
        return True


def count_finished(conn: sa.Connection, job_id: str, outcome: ItemOutcome, *, tokens_before: tuple[int, int]) -> None:
    """Move one item from in flight to finished in the job's counters, in the transaction that finished it.

    An increment, not a recount: recounting every item after each one made a job of N items cost O(N²).
    The job row is locked (Postgres) or the database is (SQLite), so concurrent finishes cannot lose one.
    """
    succeeded, failed = int(outcome.status == "completed"), int(outcome.status == "failed")
    conn.execute(
        sa.update(jobs_t)
        .where(jobs_t.c.id == job_id)
        .values(
            successful_items=jobs_t.c.successful_items + succeeded,
            failed_items=jobs_t.c.failed_items + failed,
            completed_items=jobs_t.c.completed_items + succeeded + failed,
            input_tokens=jobs_t.c.input_tokens + outcome.input_tokens - tokens_before[0],
            output_tokens=jobs_t.c.output_tokens + outcome.output_tokens - tokens_before[1],
            updated_at=utcnow(),
        )
    )


def release(db: Database, item: BatchItem, owner: str) -> None:
    """Give a claimed item back to the queue untouched (the job was paused before it was sent)."""
    values = {
        "status": "queued",
        "lease_owner": None,
        "lease_expires_at": None,
        "attempt_token": None,
        "attempts": items_t.c.attempts - 1,
        "updated_at": utcnow(),
    }
    with db.transaction() as conn:
        conn.execute(sa.update(items_t).where(holds(item, owner)).values(**values))


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
        "successful_items": by_status.get("completed", 0),
        "failed_items": by_status.get("failed", 0),
        "cancelled_items": by_status.get("cancelled", 0),
        "completed_items": by_status.get("completed", 0) + by_status.get("failed", 0),
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
    for status in ("queued", "processing"):  # does one exist? (a count would walk every open item)
        open_item = sa.select(items_t.c.id).where(items_t.c.job_id == job_id, items_t.c.status == status).limit(1)
        if conn.execute(open_item).first() is not None:
            return None
    now = utcnow()
    if job.status in RUNNABLE:
        counted = recount(conn, job_id)  # once per job: the final counters are exact whatever came before
        succeeded, failed = int(counted["successful_items"]), int(counted["failed_items"])
        status = "failed" if succeeded == 0 and failed > 0 else "completed"
        conn.execute(
            sa.update(jobs_t).where(jobs_t.c.id == job_id).values(status=status, completed_at=now, updated_at=now)
        )
        message = f"Job {status}: {succeeded} succeeded, {failed} failed."
        joblog.write(db, job_id, message, conn=conn)
        return status
    return None
