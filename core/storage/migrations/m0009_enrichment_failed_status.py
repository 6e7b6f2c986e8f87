"""``enrichment_failed``: a conversation whose enrichment stopped shows as failed, not as in progress.

The status list of ``conversations.enrichment_status`` is a CHECK constraint; this rewrites it with
``enrichment_failed`` added (``set_check``: ALTER on Postgres, a table rebuild on SQLite). Rows keep
their values, every one of which is still allowed.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.migrations.ddl import set_check

ENRICHMENT_STATUSES = (
    "not_started",
    "validation_failed",
    "validated",
    "enrichment_in_progress",
    "enrichment_failed",
    "enriched",
    "normalization_failed",
    "completed",
)


def upgrade(conn: sa.Connection) -> None:
    set_check(conn, "conversations", "enrichment_status", ENRICHMENT_STATUSES)
