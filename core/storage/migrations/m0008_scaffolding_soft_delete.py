"""Scaffolding soft delete: ``deleted_at`` on the expert profiles, personas, arcs, topics and templates.

A deleted record keeps its row (and its key, so conversations made from it still name it) until the
delete is undone. Frozen DDL (see ``core.storage.migrations``).
"""

import sqlalchemy as sa

from core.storage.migrations import ddl

TABLES = ("expert_profiles", "personas", "emotional_arcs", "training_topics", "prompt_templates")


def upgrade(conn: sa.Connection) -> None:
    for table in TABLES:
        ddl.add_column(conn, table, "deleted_at {ts}")
