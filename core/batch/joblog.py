"""A job's log: one row per event in ``batch_logs``, so every worker process can write and the page read."""

from __future__ import annotations

import logging

from core.models.jobs import BatchLogLine, LogLevel
from core.storage.ports import BatchRows, Connection

log = logging.getLogger("core.batch")
_LEVELS = {"info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def write(
    rows: BatchRows,
    job_id: str,
    message: str,
    *,
    level: LogLevel = "info",
    item_id: str | None = None,
    conn: Connection | None = None,
) -> None:
    """Append a line (also to the Python log). Losing a log line must never fail the job, so errors are
    logged and swallowed."""
    log.log(_LEVELS[level], "job %s: %s", job_id[:8], message)
    try:
        rows.write_log(BatchLogLine(job_id=job_id, item_id=item_id, level=level, message=message), conn=conn)
    except Exception:
        if conn is not None:
            raise  # inside a caller's transaction a failure must surface, or the transaction is broken
        log.exception("could not write a log line for job %s", job_id)
