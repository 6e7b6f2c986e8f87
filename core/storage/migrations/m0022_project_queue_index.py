"""An index for a project's counts and review queue: (project_id, is_active, review_status, created_at).

Every project-scoped read of conversations filters on the project first (m0014). Without this index SQLite
walks every row, and a conversation row carries its whole search text, so counting 10,000 conversations read
every conversation's text. ``CREATE INDEX IF NOT EXISTS`` works on SQLite and Postgres.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.migrations.ddl import run

SCRIPT = """
CREATE INDEX IF NOT EXISTS ix_conversations_project_active_review_created
    ON conversations (project_id, is_active, review_status, created_at);
"""


def upgrade(conn: sa.Connection) -> None:
    run(conn, SCRIPT)
