"""The rows of the job queue every part of it reads: the tables, the job (locked), items in flight, log lines.

Statements used on every item are built once at import with bound parameters (``b_...``): building SQLAlchemy
expressions per call was a large share of each item's CPU.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa

from core.models.jobs import BatchJob, BatchLogLine, LogLevel
from core.models.statuses import Item
from core.storage import schema

items_t = schema.batch_items
jobs_t = schema.batch_jobs
log = logging.getLogger("core.batch")
_LEVELS = {"info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
b = sa.bindparam


class LogLines(Protocol):
    def add(self, obj: BatchLogLine, *, conn: sa.Connection | None = None) -> BatchLogLine: ...


_JOB = sa.select(jobs_t).where(jobs_t.c.id == b("b_job"))
_JOB_LOCKED = _JOB.with_for_update()
_LIVE = sa.select(sa.func.count()).select_from(items_t)
_IN_FLIGHT = _LIVE.where(items_t.c.job_id == b("b_job"), items_t.c.status == Item.PROCESSING)
_IN_FLIGHT_LIVE = _IN_FLIGHT.where(items_t.c.lease_expires_at >= b("b_now"))


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
