"""The cost columns of ``generation_logs`` (never the payloads), for the cost view in ``core.costs``."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel

from core.storage.database import Database


class SpendRow(BaseModel):
    created_at: datetime
    model: str
    purpose: str
    job_id: str | None
    template_id: str | None
    conversation_id: str | None
    cost_usd: float
    is_demo: bool = False


def spend_rows(db: Database) -> list[SpendRow]:
    """One row per logged model call with a cost, oldest first."""
    table = db.logs.table
    columns = [table.c[name] for name in SpendRow.model_fields]
    query = sa.select(*columns).where(table.c.cost_usd > 0, *db.project_scope(table)).order_by(table.c.created_at)
    with db.reading() as conn:
        return [SpendRow.model_validate(dict(row._mapping)) for row in conn.execute(query)]
