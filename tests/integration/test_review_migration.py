"""The review migration brings an older database up to date and is safe to run twice."""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.database import Database
from core.storage.migrations import m0002_review


def test_review_migration_restores_missing_indexes_and_tables_and_runs_twice(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_conversations_active_created"))
    with db.engine.begin() as conn:
        m0002_review.upgrade(conn)
        m0002_review.upgrade(conn)
    inspector = sa.inspect(db.engine)
    assert "ix_conversations_active_created" in {i["name"] for i in inspector.get_indexes("conversations")}
    assert {"review_actions", "turn_ratings", "turn_revisions", "review_grades"} <= set(inspector.get_table_names())
