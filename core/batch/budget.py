"""The budget cap of a job: what it has spent (every call, ever: ``core.generation.calls``), what the next
item is expected to cost, and pausing the job before a claim would pass the cap.

Spend only grows: resubmitting failed items or resuming never forgets it, so the cap covers failed, retried
and dropped calls and calls in flight when a worker died. Resuming a job at its cap needs a higher cap.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.batch import joblog
from core.models.base import utcnow
from core.models.jobs import BatchJob
from core.storage import schema
from core.storage.database import Database

jobs_t = schema.batch_jobs


def expected_item_cost(job: BatchJob) -> float:
    """Average spend per finished item so far (retries included), else the estimate made at creation."""
    finished = job.completed_items
    if finished and job.cost_usd > 0:
        return job.cost_usd / finished
    return float(job.shared_parameters.get("estimated_item_cost_usd") or 0.0)


def over_budget(job: BatchJob, busy: int) -> bool:
    """Would one more item (on top of those in flight) push the job's spend past its cap?"""
    if job.budget_usd is None:
        return False
    return job.cost_usd + expected_item_cost(job) * (busy + 1) > job.budget_usd + 1e-9


def budget_reason(job: BatchJob) -> str:
    return f"Budget cap ${job.budget_usd or 0:.2f} reached (spent ${job.cost_usd:.4f}); raise it to resume."


def stop_budget(conn: sa.Connection, db: Database, job: BatchJob) -> None:
    """Pause a job whose next item would pass its budget cap; raising the cap and resuming continues it."""
    reason = budget_reason(job)
    paused = {"status": "paused", "stop_reason": reason, "updated_at": utcnow()}
    conn.execute(sa.update(jobs_t).where(jobs_t.c.id == job.id).values(**paused))
    joblog.write(db, job.id, reason, level="warning", conn=conn)
