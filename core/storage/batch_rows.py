"""The ``BatchRows`` port (``core.storage.ports``): a project's batch jobs and items, and the jobs' log."""

from __future__ import annotations

import sqlalchemy as sa

from core.models.jobs import BatchItem, BatchJob, BatchLogLine
from core.storage.database import Database
from core.storage.repository import Repository


class SqlBatchRows:
    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def jobs(self) -> Repository[BatchJob]:
        return self._db.jobs

    @property
    def items(self) -> Repository[BatchItem]:
        return self._db.items

    def write_log(self, line: BatchLogLine, *, conn: sa.Connection | None = None) -> None:
        self._db.batch_logs.add(line, conn=conn)

    def latest_log(self, job_id: str, *, limit: int = 50) -> list[BatchLogLine]:
        rows = self._db.batch_logs.list(where={"job_id": job_id}, order_by="created_at", descending=True, limit=limit)
        return list(reversed(rows))
