"""Fenced batch items, calls logged before they are made, versioned conversations (issue 13 items 1–5, 14, 15).

Explicit DDL (it never reads today's models), each step checked first so a re-run changes nothing:
- ``batch_items.attempt_token`` (the lease fence) and ``batch_items.submitted_request`` (Message Batches: the
  exact request and scaffolding snapshot sent);
- ``batch_jobs.throttled_until`` (adaptive backoff shared by every worker of a job);
- ``conversations.row_version`` (optimistic concurrency for turn edits, enrichment and review fields);
- ``generation_logs.status`` accepts ``sent`` (the row is written before the call). SQLite cannot alter a
  CHECK constraint, so the table is rebuilt there with the same columns, rows and indexes;
- Postgres: a reviewer's update of review fields may also bump ``row_version``.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

CALL_STATUSES = ("success", "failed", "rate_limited", "timeout", "sent")
STATUS_CHECK = re.compile(r"status IN \((?:'[a-z_]+'(?:, *)?)+\)")
NEW_STATUS_CHECK = "status IN (" + ", ".join(f"'{s}'" for s in CALL_STATUSES) + ")"
REVIEW_COLUMNS = ("review_status", "reviewed_by", "reviewed_at", "review_notes", "updated_at", "row_version")

_COLUMNS = {  # table -> (column, SQLite type, Postgres type, extra)
    "batch_items": (("attempt_token", "TEXT", "TEXT", ""), ("submitted_request", "JSON", "JSONB", "")),
    "batch_jobs": (("throttled_until", "DATETIME", "TIMESTAMP WITH TIME ZONE", ""),),
    "conversations": (("row_version", "BIGINT", "BIGINT", " DEFAULT 1 NOT NULL"),),
}
_REVIEW_ONLY = """CREATE OR REPLACE FUNCTION public.brightrun_review_fields_only() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  IF current_user = 'authenticated' AND OLD.created_by IS DISTINCT FROM (auth.uid())::text
     AND (to_jsonb(NEW) - ARRAY[{cols}]) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY[{cols}]) THEN
    RAISE EXCEPTION 'reviewers may change only the review fields of another user''s conversation'
      USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$"""


def _add_columns(conn: sa.Connection) -> None:
    postgres = conn.dialect.name == "postgresql"
    inspector = sa.inspect(conn)
    for table, columns in _COLUMNS.items():
        existing = {c["name"] for c in inspector.get_columns(table)}
        for name, sqlite_type, pg_type, extra in columns:
            if name not in existing:
                kind = pg_type if postgres else sqlite_type
                conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {name} {kind}{extra}"))


def _sqlite_status_check(conn: sa.Connection) -> None:
    """Rebuild ``generation_logs`` with the wider CHECK (SQLite keeps constraints in the table's SQL)."""
    found = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'generation_logs'"
    table_sql = conn.execute(sa.text(found)).scalar()
    if table_sql is None or "'sent'" in table_sql:
        return
    if STATUS_CHECK.search(table_sql) is None:
        return  # no CHECK on status: 'sent' is accepted already
    indexes = "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'generation_logs' AND sql IS NOT NULL"
    index_sql = list(conn.execute(sa.text(indexes)).scalars())
    new_sql = STATUS_CHECK.sub(NEW_STATUS_CHECK, table_sql, count=1)
    new_sql = new_sql.replace("generation_logs", "generation_logs_m0005", 1)
    conn.execute(sa.text(new_sql))
    conn.execute(sa.text("INSERT INTO generation_logs_m0005 SELECT * FROM generation_logs"))
    conn.execute(sa.text("DROP TABLE generation_logs"))
    conn.execute(sa.text("ALTER TABLE generation_logs_m0005 RENAME TO generation_logs"))
    for sql in index_sql:
        conn.execute(sa.text(sql))


def _postgres_status_check(conn: sa.Connection) -> None:
    conn.execute(sa.text("ALTER TABLE generation_logs DROP CONSTRAINT IF EXISTS ck_generation_logs_status"))
    conn.execute(
        sa.text(f"ALTER TABLE generation_logs ADD CONSTRAINT ck_generation_logs_status CHECK ({NEW_STATUS_CHECK})")
    )


def _postgres_review_trigger(conn: sa.Connection) -> None:
    exists = conn.execute(sa.text("SELECT to_regprocedure('public.brightrun_review_fields_only()')")).scalar()
    if exists is not None:
        conn.execute(sa.text(_REVIEW_ONLY.format(cols=", ".join(f"'{c}'" for c in REVIEW_COLUMNS))))


def upgrade(conn: sa.Connection) -> None:
    _add_columns(conn)
    if conn.dialect.name == "postgresql":
        _postgres_status_check(conn)
        _postgres_review_trigger(conn)
    else:
        _sqlite_status_check(conn)
