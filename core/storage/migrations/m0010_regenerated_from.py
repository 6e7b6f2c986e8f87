"""Regenerate: a new attempt at a conversation records the one it replaces (``conversations.regenerated_from``).

Frozen DDL. The old attempt stays (archived), so the link always points at a row that exists; a plain
column, no index (it is read for one conversation at a time). No new table, so no new RLS policy:
the column is covered by the conversations policies of m0004/m0006.
"""

import sqlalchemy as sa

from core.storage.migrations import ddl


def upgrade(conn: sa.Connection) -> None:
    ddl.add_column(conn, "conversations", "regenerated_from TEXT")
