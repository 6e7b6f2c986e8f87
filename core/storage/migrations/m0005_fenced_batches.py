"""Fenced batch items, calls logged before they are made, versioned conversations (issue 13 items 1–5, 14, 15).

Explicit DDL (it never reads today's models), each step checked first so a re-run changes nothing:
- ``batch_items.attempt_token`` (the lease fence) and ``batch_items.submitted_request`` (Message Batches: the
  exact request and scaffolding snapshot sent);
- ``batch_jobs.throttled_until`` (adaptive backoff shared by every worker of a job);
- ``conversations.row_version`` (optimistic concurrency for turn edits, enrichment and review fields);
- ``generation_logs.status`` accepts ``sent`` (the row is written before the call; ``ddl.set_check`` rebuilds
  the table on SQLite, which cannot alter a CHECK constraint);
- Postgres: a reviewer's update of review fields may also bump ``row_version``.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.migrations import ddl

CALL_STATUSES = ("success", "failed", "rate_limited", "timeout", "sent")
REVIEW_COLUMNS = ("review_status", "reviewed_by", "reviewed_at", "review_notes", "updated_at", "row_version")
COLUMNS = (
    ("batch_items", "attempt_token TEXT"),
    ("batch_items", "submitted_request {json}"),
    ("batch_jobs", "throttled_until {ts}"),
    ("conversations", "row_version BIGINT DEFAULT 1 NOT NULL"),
)
_REVIEW_ONLY = """CREATE OR REPLACE FUNCTION public.brightrun_review_fields_only() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  IF current_user = 'authenticated' AND OLD.created_by IS DISTINCT FROM (auth.uid())::text
     AND (to_jsonb(NEW) - ARRAY[{cols}]) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY[{cols}]) THEN
    RAISE EXCEPTION 'reviewers may change only the review fields of another user''s conversation'
      USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$"""


def upgrade(conn: sa.Connection) -> None:
    for table, definition in COLUMNS:
        ddl.add_column(conn, table, definition)
    ddl.set_check(conn, "generation_logs", "status", CALL_STATUSES)
    if conn.dialect.name == "postgresql":
        exists = conn.execute(sa.text("SELECT to_regprocedure('public.brightrun_review_fields_only()')")).scalar()
        if exists is not None:
            conn.execute(sa.text(_REVIEW_ONLY.format(cols=", ".join(f"'{c}'" for c in REVIEW_COLUMNS))))
