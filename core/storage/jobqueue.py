"""The job queue: batch items claimed under a lease, finished, released, and the job's counters kept true.

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

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from core.errors import LeaseLostError
from core.models.base import utcnow
from core.models.budget import budget_reason, items_that_fit
from core.models.jobs import BatchItem, BatchJob, BatchLogLine, Claim, LogLevel
from core.models.statuses import RUNNABLE, ClaimFound, Item, ItemStatus, Job, JobStatus
from core.storage import schema

if TYPE_CHECKING:
    from core.storage.database import Database

items_t = schema.batch_items
jobs_t = schema.batch_jobs
log = logging.getLogger("core.batch")
_LEVELS = {"info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
_b = sa.bindparam


class Outcome(Protocol):
    """How an item ended (``core.batch.processor.ItemOutcome``)."""

    @property
    def status(self) -> ItemStatus: ...
    @property
    def conversation_id(self) -> str | None: ...
    @property
    def failure_id(self) -> str | None: ...
    @property
    def error_message(self) -> str | None: ...
    @property
    def cost_usd(self) -> float: ...
    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def charged(self) -> bool: ...


class LogLines(Protocol):
    def add(self, obj: BatchLogLine, *, conn: sa.Connection | None = None) -> BatchLogLine: ...


# -- statements built once ----------------------------------------------------------------------------
_JOB = sa.select(jobs_t).where(jobs_t.c.id == _b("b_job"))
_JOB_LOCKED = _JOB.with_for_update()
_CLAIM_COLUMNS = [
    jobs_t.c[name]
    for name in ("id", "status", "mode", "concurrency", "total_items", "budget_usd", "cost_usd", "completed_items")
]
_JOB_FOR_CLAIM = {
    "sqlite": sa.select(*_CLAIM_COLUMNS).where(jobs_t.c.id == _b("b_job")),
    "postgresql": sa.select(*_CLAIM_COLUMNS).where(jobs_t.c.id == _b("b_job")).with_for_update(),
}
_JOB_ROW_LOCK = sa.select(jobs_t.c.id).where(jobs_t.c.id == _b("b_job")).with_for_update()
_LIVE = sa.select(sa.func.count()).select_from(items_t)
_IN_FLIGHT = _LIVE.where(items_t.c.job_id == _b("b_job"), items_t.c.status == Item.PROCESSING)
_IN_FLIGHT_LIVE = _IN_FLIGHT.where(items_t.c.lease_expires_at >= _b("b_now"))
_QUEUED = (
    sa.select(items_t)
    .where(items_t.c.job_id == _b("b_job"), items_t.c.status == Item.QUEUED)
    .order_by(items_t.c.position)
    .limit(_b("b_n"))
)
_EXPIRED = (
    sa.select(items_t)
    .where(
        items_t.c.job_id == _b("b_job"), items_t.c.status == Item.PROCESSING, items_t.c.lease_expires_at < _b("b_now")
    )
    .order_by(items_t.c.position)
    .limit(_b("b_n"))
)
_NEXT = {
    "sqlite": (_QUEUED, _EXPIRED),
    "postgresql": (_QUEUED.with_for_update(skip_locked=True), _EXPIRED.with_for_update(skip_locked=True)),
}
_TAKE = (
    sa.update(items_t)
    .where(items_t.c.id == _b("b_id"))
    .values(
        status=Item.PROCESSING,
        attempt_token=_b("b_token"),
        lease_owner=_b("b_owner"),
        lease_expires_at=_b("b_expires"),
        attempts=_b("b_attempts"),
        started_at=_b("b_started"),
        updated_at=_b("b_now"),
    )
)
_START_JOB = (
    sa.update(jobs_t)
    .where(jobs_t.c.id == _b("b_job"), jobs_t.c.status == Job.QUEUED)
    .values(status=Job.PROCESSING, started_at=_b("b_now"), updated_at=_b("b_now"))
)
_HELD = sa.and_(
    items_t.c.id == _b("b_id"),
    items_t.c.status == Item.PROCESSING,
    sa.func.coalesce(items_t.c.attempt_token, "") == _b("b_token"),
)
_FENCE = {
    "sqlite": sa.select(items_t.c.id).where(_HELD),
    "postgresql": sa.select(items_t.c.id).where(_HELD).with_for_update(),
}
_FINISH = (
    sa.update(items_t)
    .where(_HELD, items_t.c.lease_owner == _b("b_owner"))
    .values(
        status=_b("b_status"),
        conversation_id=_b("b_conversation"),
        failure_id=_b("b_failure"),
        error_message=_b("b_error"),
        cost_usd=items_t.c.cost_usd + _b("b_cost", type_=sa.Float()),
        input_tokens=_b("b_in"),
        output_tokens=_b("b_out"),
        lease_owner=None,
        lease_expires_at=None,
        finished_at=_b("b_now"),
        updated_at=_b("b_now"),
    )
)
_COUNT_FINISHED = (
    sa.update(jobs_t)
    .where(jobs_t.c.id == _b("b_job"))
    .values(
        successful_items=jobs_t.c.successful_items + _b("b_ok", type_=sa.Integer()),
        failed_items=jobs_t.c.failed_items + _b("b_failed", type_=sa.Integer()),
        completed_items=jobs_t.c.completed_items + _b("b_done", type_=sa.Integer()),
        input_tokens=jobs_t.c.input_tokens + _b("b_in", type_=sa.BigInteger()),
        output_tokens=jobs_t.c.output_tokens + _b("b_out", type_=sa.BigInteger()),
        cost_usd=jobs_t.c.cost_usd + _b("b_cost", type_=sa.Float()),
        updated_at=_b("b_now"),
    )
)
_OPEN_ITEM = sa.select(items_t.c.id).where(items_t.c.job_id == _b("b_job"), items_t.c.status.in_(RUNNABLE)).limit(1)


def new_token() -> str:
    return uuid.uuid4().hex[:16]


def note(
    conn: sa.Connection,
    lines: LogLines,
    job_id: str,
    message: str,
    *,
    level: LogLevel = "info",
    item_id: str | None = None,
) -> None:
    """A job log line written in ``conn`` (and to the Python log)."""
    log.log(_LEVELS[level], "job %s: %s", job_id[:8], message)
    lines.add(BatchLogLine(job_id=job_id, item_id=item_id, level=level, message=message), conn=conn)


# -- reads inside a caller's transaction ----------------------------------------------------------------
def lock_job(conn: sa.Connection, job_id: str, *, lock: bool = True) -> BatchJob | None:
    """Read the job, holding its row lock on Postgres until the transaction ends (SQLite holds the db)."""
    query = _JOB_LOCKED if lock and conn.dialect.name == "postgresql" else _JOB
    row = conn.execute(query, {"b_job": job_id}).first()
    return BatchJob.model_validate(dict(row._mapping)) if row else None


def in_flight(conn: sa.Connection, job_id: str, now: datetime | None = None) -> int:
    """Items being worked on; with ``now``, only those whose lease is still live."""
    if now is None:
        return int(conn.execute(_IN_FLIGHT, {"b_job": job_id}).scalar_one())
    return int(conn.execute(_IN_FLIGHT_LIVE, {"b_job": job_id, "b_now": now}).scalar_one())


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
        stop_budget(conn, lines, job.id, budget_reason(job))
        return Claim(state=ClaimFound.BUDGET)
    rows = _claimable(conn, job_id, now, fit)
    if not rows:
        if in_flight(conn, job_id):
            return Claim(state=ClaimFound.WAITING)
        finalize_if_done(conn, lines, job_id)
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


# -- fencing and finishing ---------------------------------------------------------------------------
def fence(conn: sa.Connection, item: BatchItem) -> None:
    """Raise ``LeaseLostError`` when ``item``'s claim was taken over. On Postgres it locks the item row until
    the transaction ends (SQLite holds the db)."""
    params = {"b_id": item.id, "b_token": item.attempt_token or ""}
    if conn.execute(_FENCE[conn.dialect.name], params).first() is None:
        raise LeaseLostError(f"Item {item.position} was claimed again by another worker; this result is dropped.")


def finish(conn: sa.Connection, lines: LogLines, item: BatchItem, owner: str, outcome: Outcome) -> bool:
    """Record an item's outcome if ``owner`` still holds this claim; count it; apply stop-on-error; finalize.

    Returns False (and changes nothing) when the lease was lost. Spend the call log has not charged yet
    (``outcome.charged`` false) is charged here. The item's tokens before finishing are those it had when
    claimed: nothing else can change them while the claim holds.
    """
    now = utcnow()
    if conn.dialect.name == "postgresql":  # the job row first, as every other writer of the job locks it
        conn.execute(_JOB_ROW_LOCK, {"b_job": item.job_id})
    params = {
        "b_id": item.id,
        "b_token": item.attempt_token or "",
        "b_owner": owner,
        "b_status": outcome.status,
        "b_conversation": outcome.conversation_id,
        "b_failure": outcome.failure_id,
        "b_error": outcome.error_message,
        "b_cost": outcome.cost_usd,
        "b_in": outcome.input_tokens,
        "b_out": outcome.output_tokens,
        "b_now": now,
    }
    if conn.execute(_FINISH, params).rowcount == 0:
        return False
    succeeded, failed = int(outcome.status == Item.COMPLETED), int(outcome.status == Item.FAILED)
    counts = {
        "b_job": item.job_id,
        "b_ok": succeeded,
        "b_failed": failed,
        "b_done": succeeded + failed,
        "b_in": outcome.input_tokens - item.input_tokens,
        "b_out": outcome.output_tokens - item.output_tokens,
        "b_cost": 0.0 if outcome.charged else outcome.cost_usd,
        "b_now": now,
    }
    conn.execute(_COUNT_FINISHED, counts)
    if outcome.status == Item.FAILED:
        job = lock_job(conn, item.job_id)
        if job is not None:
            note(conn, lines, job.id, f"Item {item.position} failed: {outcome.error_message}", level="error")
            if job.error_handling == "stop" and job.status in RUNNABLE:
                stop_job(conn, lines, job.id, Job.FAILED, f"Stopped on error at item {item.position}.")
                recount(conn, item.job_id)  # queued items were cancelled: count them all again
    finalize_if_done(conn, lines, item.job_id)
    return True


def finish_or_raise(conn: sa.Connection, lines: LogLines, item: BatchItem, owner: str, outcome: Outcome) -> None:
    """``finish`` as the fence of the transaction that stores the item's result."""
    if not finish(conn, lines, item, owner, outcome):
        raise LeaseLostError(f"Item {item.position} was claimed again by another worker; this result is dropped.")


# -- ending and recounting ----------------------------------------------------------------------------
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


# -- creating ----------------------------------------------------------------------------------------
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


# -- Message Batches mode ------------------------------------------------------------------------------
def store_requests(conn: sa.Connection, frozen: dict[str, dict[str, Any]]) -> None:
    """Keep each item's exact request (and scaffolding snapshot): its result is ingested with them."""
    if not frozen:
        return
    update = sa.update(items_t).where(items_t.c.id == _b("b_id")).values(submitted_request=_b("b_frozen"))
    conn.execute(update, [{"b_id": item_id, "b_frozen": data} for item_id, data in frozen.items()])


def mark_submitted(
    conn: sa.Connection,
    lines: LogLines,
    job_id: str,
    owner: str,
    batch_id: str,
    item_ids: Sequence[str],
    *,
    lease: timedelta,
) -> None:
    """Items sent in API batch ``batch_id``: held by the batch (``message-batch:<id>``) under a long lease."""
    now = utcnow()
    job = lock_job(conn, job_id)
    conn.execute(
        sa.update(items_t)
        .where(items_t.c.id.in_(list(item_ids)), items_t.c.lease_owner == owner)
        .values(
            message_batch_id=batch_id,
            lease_owner=f"message-batch:{batch_id}",
            lease_expires_at=now + lease,
            updated_at=now,
        )
    )
    ids = [*(job.message_batch_ids if job else []), batch_id]
    conn.execute(sa.update(jobs_t).where(jobs_t.c.id == job_id).values(message_batch_ids=ids, updated_at=now))
    note(conn, lines, job_id, f"Sent {len(item_ids)} item(s) as message batch {batch_id}.")


def in_batch(conn: sa.Connection, job_id: str, batch_id: str) -> list[BatchItem]:
    """The items of API batch ``batch_id`` still waiting for their result."""
    query = sa.select(items_t).where(
        items_t.c.job_id == job_id, items_t.c.message_batch_id == batch_id, items_t.c.status == Item.PROCESSING
    )
    return [BatchItem.model_validate(dict(row._mapping)) for row in conn.execute(query.order_by(items_t.c.position))]


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

    def finish(self, item: BatchItem, owner: str, outcome: Outcome, *, conn: sa.Connection | None = None) -> bool:
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
        return insert_items(conn, rows)

    def stop_job(self, conn: sa.Connection, job_id: str, status: JobStatus, reason: str) -> None:
        stop_job(conn, self.db.batch_logs, job_id, status, reason)

    def reap_expired(self, conn: sa.Connection, job: BatchJob, now: datetime | None = None) -> int:
        return reap_expired(conn, job, now)

    def requeue_failed(self, conn: sa.Connection, job_id: str) -> int:
        return requeue_failed(conn, job_id)

    def cancel_in_flight(self, conn: sa.Connection, job_id: str) -> int:
        return cancel_in_flight(conn, job_id)

    def recount(self, conn: sa.Connection, job_id: str) -> dict[str, int | float]:
        return recount(conn, job_id)

    def finalize_if_done(self, conn: sa.Connection, job_id: str) -> str | None:
        return finalize_if_done(conn, self.db.batch_logs, job_id)

    def store_requests(self, conn: sa.Connection, frozen: dict[str, dict[str, Any]]) -> None:
        store_requests(conn, frozen)

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
        mark_submitted(conn, self.db.batch_logs, job_id, owner, batch_id, item_ids, lease=lease)

    def in_batch(self, job_id: str, batch_id: str) -> list[BatchItem]:
        with self.db.reading() as conn:
            return in_batch(conn, job_id, batch_id)
