"""Fencing and finishing an item: only the claim that holds it (its attempt token) may store or finish it.

Counters move by increments in the transaction that finishes the item, so a job of N items costs O(N); a
failure under ``stop`` error handling ends the job and recounts.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.errors import LeaseLostError
from core.models.base import utcnow
from core.models.jobs import BatchItem
from core.models.statuses import RUNNABLE, Item, Job
from core.storage.job_ending import finalize_if_done, recount, stop_job
from core.storage.job_rows import LogLines, b, items_t, jobs_t, lock_job, note
from core.storage.ports import ItemResult

_JOB_ROW_LOCK = sa.select(jobs_t.c.id).where(jobs_t.c.id == b("b_job")).with_for_update()
_HELD = sa.and_(
    items_t.c.id == b("b_id"),
    items_t.c.status == Item.PROCESSING,
    sa.func.coalesce(items_t.c.attempt_token, "") == b("b_token"),
)
_FENCE = {
    "sqlite": sa.select(items_t.c.id).where(_HELD),
    "postgresql": sa.select(items_t.c.id).where(_HELD).with_for_update(),
}
_FINISH = (
    sa.update(items_t)
    .where(_HELD, items_t.c.lease_owner == b("b_owner"))
    .values(
        status=b("b_status"),
        conversation_id=b("b_conversation"),
        failure_id=b("b_failure"),
        error_message=b("b_error"),
        cost_usd=items_t.c.cost_usd + b("b_cost", type_=sa.Float()),
        input_tokens=b("b_in"),
        output_tokens=b("b_out"),
        lease_owner=None,
        lease_expires_at=None,
        finished_at=b("b_now"),
        updated_at=b("b_now"),
    )
)
_COUNT_FINISHED = (
    sa.update(jobs_t)
    .where(jobs_t.c.id == b("b_job"))
    .values(
        successful_items=jobs_t.c.successful_items + b("b_ok", type_=sa.Integer()),
        failed_items=jobs_t.c.failed_items + b("b_failed", type_=sa.Integer()),
        completed_items=jobs_t.c.completed_items + b("b_done", type_=sa.Integer()),
        input_tokens=jobs_t.c.input_tokens + b("b_in", type_=sa.BigInteger()),
        output_tokens=jobs_t.c.output_tokens + b("b_out", type_=sa.BigInteger()),
        cost_usd=jobs_t.c.cost_usd + b("b_cost", type_=sa.Float()),
        updated_at=b("b_now"),
    )
)


# -- fencing and finishing ---------------------------------------------------------------------------
def fence(conn: sa.Connection, item: BatchItem) -> None:
    """Raise ``LeaseLostError`` when ``item``'s claim was taken over. On Postgres it locks the item row until
    the transaction ends (SQLite holds the db)."""
    params = {"b_id": item.id, "b_token": item.attempt_token or ""}
    if conn.execute(_FENCE[conn.dialect.name], params).first() is None:
        raise LeaseLostError(f"Item {item.position} was claimed again by another worker; this result is dropped.")


def finish(conn: sa.Connection, lines: LogLines, item: BatchItem, owner: str, outcome: ItemResult) -> bool:
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
