"""Projects on Postgres: a row's project decides who reaches it (a no-op on SQLite).

m0014 gave every row a ``project_id`` but the policies of m0004–m0016 look only at ``created_by``: a user could
write their own rows tagged with another user's project, and reviewers read every conversation whether its
project is shared with them or not. From here, on every table with a ``project_id`` column (found in the
catalogue when this runs, so every table made up to now is covered), restrictive policies add to what the
earlier policies allow (a row must pass both):

- Read: the row's project is one the user may read: their own, the shared first project (``default``) or
  another project without an owner (made by the system), or (reviewers) a project shared with reviewers.
- Write (insert; update, before and after; delete): the row's project is the user's own or one without an
  owner (the shared first project). No user files a row under someone else's project or moves one there.
- Review writes (reviewers deciding, rating, grading, editing turns; ``REVIEWED_TABLES``) may also go to a
  project shared with reviewers, and a review record must name a conversation of its own project that the
  user can read (checked under the user's own row-level security, so an unshared project's conversation is
  refused like a missing one). A reviewer never moves their own conversation into someone else's project.

The checks are SQL functions (``SECURITY DEFINER`` with a fixed, empty ``search_path``: they read
``projects`` whatever the caller may see, and every name in them is schema-qualified).

A table a later migration adds with a ``project_id`` calls :func:`protect_project_rows` for it (a test walks
every table with a ``project_id`` and fails on one without these policies).

Frozen DDL (see ``core.storage.migrations``).
"""

from __future__ import annotations

import sqlalchemy as sa

UID = "(auth.uid())::text"
REVIEWER = "public.brightrun_is_reviewer()"
#: Tables reviewers write on projects they do not own (m0004/m0006 let them); conversations: review fields only.
REVIEWED_TABLES = ("conversations", "review_actions", "turn_ratings", "turn_revisions", "review_grades")
POLICIES = ("project_read", "project_insert", "project_update", "project_delete")

_CAN_READ = f"""CREATE OR REPLACE FUNCTION public.brightrun_can_read_project(pid text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT pid = 'default' OR EXISTS (
    SELECT 1 FROM public.projects p WHERE p.id = pid
      AND (p.created_by IS NULL OR p.created_by = {UID} OR (p.shared_with_reviewers AND {REVIEWER}))) $$"""
_CAN_WRITE = f"""CREATE OR REPLACE FUNCTION public.brightrun_can_write_project(pid text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT pid = 'default' OR EXISTS (
    SELECT 1 FROM public.projects p WHERE p.id = pid AND (p.created_by IS NULL OR p.created_by = {UID})) $$"""
_CAN_REVIEW = f"""CREATE OR REPLACE FUNCTION public.brightrun_can_review_project(pid text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT {REVIEWER} AND (pid = 'default' OR EXISTS (
    SELECT 1 FROM public.projects p WHERE p.id = pid AND (p.created_by IS NULL OR p.shared_with_reviewers))) $$"""
FUNCTIONS = {
    "brightrun_can_read_project": _CAN_READ,
    "brightrun_can_write_project": _CAN_WRITE,
    "brightrun_can_review_project": _CAN_REVIEW,
}

_PROJECT_TABLES = """
SELECT c.table_name FROM information_schema.columns c
JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE c.table_schema = 'public' AND c.column_name = 'project_id' AND t.table_type = 'BASE TABLE'
ORDER BY 1"""


def _policy(conn: sa.Connection, table: str, name: str, body: str) -> None:
    conn.exec_driver_sql(f'DROP POLICY IF EXISTS "{name}" ON public.{table}')
    conn.exec_driver_sql(f'CREATE POLICY "{name}" ON public.{table} AS RESTRICTIVE {body}')


def _write_rule(table: str) -> str:
    own = "public.brightrun_can_write_project(project_id)"
    if table not in REVIEWED_TABLES:
        return own
    review = "public.brightrun_can_review_project(project_id)"
    if table == "conversations":
        return f"{own} OR ({review} AND created_by IS DISTINCT FROM {UID})"
    same_project = (
        "EXISTS (SELECT 1 FROM public.conversations c"
        f" WHERE c.conversation_id = {table}.conversation_id AND c.project_id = {table}.project_id)"
    )
    return f"({own} OR {review}) AND {same_project}"


def protect_project_rows(conn: sa.Connection, table: str) -> None:
    """The four restrictive policies of this migration on ``table`` (Postgres; it must have ``project_id``)."""
    read = "public.brightrun_can_read_project(project_id)"
    write = _write_rule(table)
    to = "TO authenticated"
    conn.exec_driver_sql(f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY")
    _policy(conn, table, "project_read", f"FOR SELECT {to} USING ({read})")
    _policy(conn, table, "project_insert", f"FOR INSERT {to} WITH CHECK ({write})")
    _policy(conn, table, "project_update", f"FOR UPDATE {to} USING ({read}) WITH CHECK ({write})")
    delete = read if table in REVIEWED_TABLES else write
    _policy(conn, table, "project_delete", f"FOR DELETE {to} USING ({delete})")


def project_tables(conn: sa.Connection) -> list[str]:
    """Every table of ``public`` with a ``project_id`` column, by name."""
    return list(conn.execute(sa.text(_PROJECT_TABLES)).scalars())


def upgrade(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for name, ddl in FUNCTIONS.items():
        conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION public.{name}(text) FROM PUBLIC, anon")
        conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION public.{name}(text) TO authenticated, service_role")
    for table in project_tables(conn):
        protect_project_rows(conn, table)
