"""Spec projects (the spec splitter's saved pipeline), with row-level security on Postgres.

Frozen DDL (see ``core.storage.migrations``). A spec project belongs to the user who made it: on
Postgres only its owner reads or changes it (the service role and the owner connection bypass RLS, as
for every table of m0004); rows inserted without ``created_by`` are stamped by m0004's trigger function.
"""

import sqlalchemy as sa

from core.storage.migrations import ddl

DDL = """
CREATE TABLE IF NOT EXISTS spec_projects (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, name TEXT NOT NULL,
    abbrev TEXT NOT NULL, model TEXT NOT NULL, ordered BOOLEAN NOT NULL, inputs {json} NOT NULL,
    files {json} NOT NULL, steps {json} NOT NULL, PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_spec_projects_created_by ON spec_projects (created_by);
"""
OWNER = "created_by = (auth.uid())::text"


def _exists(conn: sa.Connection, sql: str, **params: str) -> bool:
    return conn.execute(sa.text(sql), params).scalar() is not None


def _row_level_security(conn: sa.Connection) -> None:
    conn.execute(sa.text("ALTER TABLE public.spec_projects ENABLE ROW LEVEL SECURITY"))
    conn.execute(sa.text("GRANT SELECT, INSERT, UPDATE, DELETE ON public.spec_projects TO authenticated"))
    conn.execute(sa.text("GRANT ALL ON public.spec_projects TO service_role"))
    policy = "SELECT 1 FROM pg_policies WHERE schemaname = 'public' AND tablename = 'spec_projects' AND policyname = :n"
    if not _exists(conn, policy, n="owner_all"):
        conn.execute(
            sa.text(
                'CREATE POLICY "owner_all" ON public.spec_projects FOR ALL TO authenticated '
                f"USING ({OWNER}) WITH CHECK ({OWNER})"
            )
        )
    trigger = "SELECT 1 FROM pg_trigger WHERE tgname = 'brightrun_stamp_owner' AND tgrelid = to_regclass(:t)"
    if not _exists(conn, trigger, t="public.spec_projects"):
        conn.execute(
            sa.text(
                "CREATE TRIGGER brightrun_stamp_owner BEFORE INSERT ON public.spec_projects "
                "FOR EACH ROW EXECUTE FUNCTION public.brightrun_stamp_owner()"
            )
        )


def upgrade(conn: sa.Connection) -> None:
    ddl.run(conn, DDL)
    if conn.dialect.name == "postgresql":
        _row_level_security(conn)
