"""``enrichment_failed``: a conversation whose enrichment stopped shows as failed, not as in progress.

The status list of ``conversations.enrichment_status`` is a CHECK constraint; this migration rewrites it
to the list of ``EnrichmentStatus`` (which now holds ``enrichment_failed``). On PostgreSQL the old
constraint, whatever its name, is dropped and the new one added. SQLite cannot alter a CHECK constraint,
so the table definition stored in ``sqlite_schema`` is edited in place, the documented way for changes
that leave stored rows valid (https://www.sqlite.org/lang_altertable.html, "making other kinds of table
schema changes"): no row is rewritten. A database created from the current schema already has the list:
then nothing changes.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from core.models.statuses import ENRICHMENT_STATUSES

TABLE = "conversations"
COLUMN = "enrichment_status"
NAME = "ck_conversations_enrichment_status"
SQLITE_CHECK = re.compile(r"CHECK\s*\(\s*\"?enrichment_status\"?\s+IN\s*\([^)]*\)\s*\)", re.IGNORECASE)


def _values() -> str:
    return ", ".join(f"'{v}'" for v in ENRICHMENT_STATUSES)


def _postgres(conn: sa.Connection) -> None:
    names = conn.execute(
        sa.text(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'conversations'::regclass AND contype = 'c' "
            "AND pg_get_constraintdef(oid) LIKE '%enrichment_status%'"
        )
    ).scalars()
    for name in list(names):
        conn.execute(sa.text(f'ALTER TABLE conversations DROP CONSTRAINT "{name}"'))
    conn.execute(sa.text(f"ALTER TABLE conversations ADD CONSTRAINT {NAME} CHECK ({COLUMN} IN ({_values()}))"))


def _sqlite(conn: sa.Connection) -> None:
    sql = conn.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": TABLE}
    ).scalar()
    if not sql:
        return
    wanted = f"CHECK ({COLUMN} IN ({_values()}))"
    if wanted in sql:
        return
    new_sql, count = SQLITE_CHECK.subn(wanted, sql)
    if count == 0:  # no status list to widen (a table made without one accepts the new value already)
        return
    version = conn.execute(sa.text("PRAGMA schema_version")).scalar() or 0
    conn.execute(sa.text("PRAGMA writable_schema = ON"))
    conn.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"), {"sql": new_sql, "t": TABLE}
    )
    conn.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    conn.execute(sa.text("PRAGMA writable_schema = OFF"))


def upgrade(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        _postgres(conn)
    else:
        _sqlite(conn)
