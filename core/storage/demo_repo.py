"""The ``DemoRows`` port (``core.storage.ports``): the demo's job, items, log lines and call rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.models.jobs import BatchItem, BatchJob, BatchLogLine
from core.models.logs import GenerationLog
from core.models.statuses import Call
from core.models.training import TrainingFile
from core.storage.database import Database


class DemoRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    def has_job(self, name: str) -> bool:
        return self._db.jobs.find_by(name=name) is not None

    def has_calls(self, conversation_id: str) -> bool:
        return self._db.logs.count(where={"conversation_id": conversation_id}) > 0

    def add_job(self, job: BatchJob, items: list[BatchItem]) -> None:
        with self._db.transaction() as conn:
            self._db.jobs.add(job, conn=conn)
            self._db.items.add_many(items, conn=conn)

    def add_item(self, item: BatchItem) -> None:
        self._db.items.add(item)

    def update_job(self, job_id: str, **fields: Any) -> BatchJob:
        return self._db.jobs.update(job_id, **fields)

    def add_log_lines(self, lines: list[BatchLogLine]) -> None:
        with self._db.transaction() as conn:
            for line in lines:
                self._db.batch_logs.add(line, conn=conn)

    def add_call(self, row: GenerationLog) -> None:
        self._db.logs.add(row)

    def link(self, conversation_id: str, *, template_id: str | None, job_id: str | None) -> None:
        self._db.conversations.update(conversation_id, template_id=template_id, job_id=job_id)

    def backdate_failed_calls(self, job_id: str, at: datetime) -> None:
        for log in self._db.logs.list(where={"job_id": job_id, "status": [Call.FAILED]}):
            self._db.logs.update(log.id, created_at=at, updated_at=at)

    def backdate_failure(self, failure_id: str, at: datetime) -> None:
        self._db.failures.update(failure_id, created_at=at, updated_at=at)

    def mark_demo(self, *, job_id: str, conversation_ids: list[str]) -> None:
        self._db.logs.update_where({"job_id": job_id}, is_demo=True)
        self._db.logs.update_where({"conversation_id": conversation_ids}, is_demo=True)

    def training_file(self, name: str, created_by: str | None) -> TrainingFile | None:
        return self._db.training_files.find_by(name=name, created_by=created_by)
