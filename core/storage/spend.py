"""The ``SpendLog`` and ``StatusCounts`` ports (``core.storage.ports``): the cost columns of ``generation_logs``
(never the payloads) for ``core.costs``, and conversation counts for ``core.stats``."""

from __future__ import annotations

import sqlalchemy as sa

from core.models.spend import ConversationCounts, SpendRow
from core.storage.database import Database

__all__ = ["SpendRepo", "SpendRow", "StatsRepo", "spend_rows"]


def spend_rows(db: Database) -> list[SpendRow]:
    """One row per logged model call with a cost, oldest first."""
    table = db.logs.table
    columns = [table.c[name] for name in SpendRow.model_fields]
    query = sa.select(*columns).where(table.c.cost_usd > 0, *db.project_scope(table)).order_by(table.c.created_at)
    with db.reading() as conn:
        return [SpendRow.model_validate(dict(row._mapping)) for row in conn.execute(query)]


class SpendRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def rows(self) -> list[SpendRow]:
        return spend_rows(self.db)

    def job_names(self) -> dict[str, str]:
        jobs = self.db.jobs
        query = sa.select(jobs.table.c.id, jobs.table.c.name).where(*jobs.in_scope())
        with self.db.reading() as conn:
            return {row.id: row.name for row in conn.execute(query)}


class StatsRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def counts(self) -> ConversationCounts:
        conversations, where = self.db.conversations, {"is_active": True}
        with self.db.reading() as conn:
            return ConversationCounts(
                conversations=conversations.count(where=where, conn=conn),
                processing_status=conversations.count_by("processing_status", where=where, conn=conn),
                enrichment_status=conversations.count_by("enrichment_status", where=where, conn=conn),
                review_status=conversations.count_by("review_status", where=where, conn=conn),
                failed_generations=self.db.failures.count(conn=conn),
                truncated=conversations.count(where={**where, "is_truncated": True}, conn=conn),
            )
