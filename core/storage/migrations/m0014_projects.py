"""Projects: each expert's work in its own workspace (issue 25).

Both backends:

- Table ``projects`` (a slug unique per owner, and among projects without an owner), and the first project
  (id and slug ``default``) that every existing row moves into.
- ``project_id TEXT NOT NULL DEFAULT 'default'`` and an index on it in every table whose rows belong to a
  project (as of this migration; a later table adds its own).
- What was unique per owner is now unique per owner and project: scaffolding keys, template names, training
  file names and the conversations' content fingerprint (the same file may be imported into two projects).

Postgres only: row-level security on ``projects`` (its owner does everything; every signed-in user reads the
shared first project; reviewers read the projects shared with them) and narrowed grants (no ``anon``; no
``TRUNCATE``/``REFERENCES``/``TRIGGER`` for ``authenticated``), as for every table since m0006.

Frozen DDL (see ``core.storage.migrations``).
"""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.migrations import ddl

DDL = """
CREATE TABLE IF NOT EXISTS projects (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, slug TEXT NOT NULL,
    name TEXT NOT NULL, description TEXT NOT NULL, domain TEXT NOT NULL, is_demo BOOLEAN NOT NULL,
    shared_with_reviewers BOOLEAN NOT NULL, PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_projects_created_by ON projects (created_by);
CREATE UNIQUE INDEX IF NOT EXISTS uq_projects_owner_slug ON projects (created_by, slug);
CREATE UNIQUE INDEX IF NOT EXISTS uq_projects_unowned_slug ON projects (slug) WHERE created_by IS NULL
"""
FIRST_PROJECT = """
INSERT INTO projects (id, created_by, created_at, updated_at, slug, name, description, domain, is_demo,
    shared_with_reviewers)
SELECT 'default', NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'default', 'My first project', '', '', false, true
WHERE NOT EXISTS (SELECT 1 FROM projects WHERE id = 'default')
"""
#: Every table whose rows belong to a project, as of this migration.
PROJECT_TABLES = (
    "expert_profiles",
    "personas",
    "emotional_arcs",
    "training_topics",
    "prompt_templates",
    "conversations",
    "batch_jobs",
    "batch_items",
    "batch_logs",
    "failed_generations",
    "generation_logs",
    "training_files",
    "training_file_conversations",
    "review_actions",
    "turn_ratings",
    "turn_revisions",
    "review_grades",
    "spec_projects",
)
#: table -> the column unique per owner (m0006), now per owner and project.
PROJECT_KEYS = {
    "conversations": "source_hash",
    "expert_profiles": "profile_key",
    "personas": "persona_key",
    "emotional_arcs": "arc_key",
    "training_topics": "topic_key",
    "prompt_templates": "template_name",
    "training_files": "name",
}
OWNER = "created_by = (auth.uid())::text"
SHARED = "created_by IS NULL OR (shared_with_reviewers AND public.brightrun_is_reviewer())"


def _project_columns(conn: sa.Connection) -> None:
    for table in PROJECT_TABLES:
        if not ddl.table_exists(conn, table):
            continue
        ddl.add_column(conn, table, "project_id TEXT NOT NULL DEFAULT 'default'")
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{table}_project_id ON {table} (project_id)")


def _unique_per_project(conn: sa.Connection) -> None:
    for table, column in PROJECT_KEYS.items():
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS uq_{table}_owner_{column}")
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS uq_{table}_unowned_{column}")
        conn.exec_driver_sql(
            f"CREATE UNIQUE INDEX uq_{table}_owner_{column} ON {table} (created_by, project_id, {column})"
        )
        conn.exec_driver_sql(
            f"CREATE UNIQUE INDEX uq_{table}_unowned_{column} ON {table} (project_id, {column})"
            " WHERE created_by IS NULL"
        )


def _policy(conn: sa.Connection, name: str, body: str) -> None:
    conn.exec_driver_sql(f'DROP POLICY IF EXISTS "{name}" ON public.projects')
    conn.exec_driver_sql(f'CREATE POLICY "{name}" ON public.projects {body}')


def _row_level_security(conn: sa.Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE public.projects ENABLE ROW LEVEL SECURITY")
    conn.exec_driver_sql("REVOKE ALL ON public.projects FROM anon, authenticated")
    conn.exec_driver_sql("GRANT SELECT, INSERT, UPDATE, DELETE ON public.projects TO authenticated")
    conn.exec_driver_sql("GRANT ALL ON public.projects TO service_role")
    _policy(conn, "owner_all", f"FOR ALL TO authenticated USING ({OWNER}) WITH CHECK ({OWNER})")
    _policy(conn, "shared_select", f"FOR SELECT TO authenticated USING ({SHARED})")
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS brightrun_stamp_owner ON public.projects")
    conn.exec_driver_sql(
        "CREATE TRIGGER brightrun_stamp_owner BEFORE INSERT ON public.projects "
        "FOR EACH ROW EXECUTE FUNCTION public.brightrun_stamp_owner()"
    )


def upgrade(conn: sa.Connection) -> None:
    ddl.run(conn, DDL)
    conn.exec_driver_sql(FIRST_PROJECT.strip())
    _project_columns(conn)
    _unique_per_project(conn)
    if conn.dialect.name == "postgresql":
        _row_level_security(conn)
