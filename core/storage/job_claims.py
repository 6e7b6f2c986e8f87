"""Claiming batch items under a lease (one path for both modes), releasing them and renewing leases: the
statements of the job queue's hot path, built once at import (``core.storage.jobqueue`` explains the
atomicity and the fencing they give)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.models.base import utcnow
from core.models.budget import budget_reason, items_that_fit
from core.models.jobs import BatchItem, BatchJob, Claim
from core.models.statuses import RUNNABLE, ClaimFound, Item, Job
from core.storage import job_ending
from core.storage.job_rows import LogLines, b, in_flight, items_t, jobs_t, lock_job, new_token, note

if TYPE_CHECKING:
    pass


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
