"""The ``SpendLog`` and ``StatusCounts`` ports (``core.storage.ports``): the cost columns of ``generation_logs``
(never the payloads) for ``core.costs``, and conversation counts for ``core.stats``."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from core.models.spend import ConversationCounts, SpendRow
from core.storage.database import Database

__all__ = ["SpendRepo", "SpendRow", "StatsRepo", "spend_rows"]
STATUS_COLUMNS = ("processing_status", "enrichment_status", "review_status")


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
        """Every count in one pass over the active conversations (a count per combination of the three
        statuses and the truncation flag, summed here), not one pass per count."""
        rows = self.db.conversations
        grouped = [rows.table.c[name] for name in (*STATUS_COLUMNS, "is_truncated")]
        query = sa.select(*grouped, sa.func.count()).where(*rows.clause({"is_active": True})).group_by(*grouped)
        per_status: dict[str, Counter[str]] = {name: Counter() for name in STATUS_COLUMNS}
        total = truncated = 0
        with self.db.reading() as conn:
            for *statuses, is_truncated, n in conn.execute(query):
                for name, status in zip(STATUS_COLUMNS, statuses, strict=True):
                    per_status[name][str(status)] += n
                total += n
                truncated += n if is_truncated else 0
            failed = self.db.failures.count(conn=conn)
        return ConversationCounts(
            conversations=total,
            **{name: dict(counts) for name, counts in per_status.items()},
            failed_generations=failed,
            truncated=truncated,
        )
