"""Held-out scorecards and blind A/B picks (the evaluation records), with row-level security on Postgres.

Frozen DDL (see ``core.storage.migrations``). Every row belongs to the user who made it: on Postgres only
its owner reads or changes it (the owner connection and the service role bypass RLS, as for every table of
m0004); rows inserted without ``created_by`` are stamped by m0004's trigger function. Each table carries
``project_id`` (the project the row belongs to).
"""

import sqlalchemy as sa

from core.storage.migrations import ddl

DDL = """
CREATE TABLE IF NOT EXISTS evaluation_runs (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    project_id TEXT NOT NULL DEFAULT 'default', model_id TEXT NOT NULL, judge_model TEXT NOT NULL,
    status TEXT NOT NULL, conversations BIGINT NOT NULL, turns BIGINT NOT NULL, wins BIGINT NOT NULL,
    ties BIGINT NOT NULL, losses BIGINT NOT NULL, failures BIGINT NOT NULL, win_rate FLOAT, ci_low FLOAT,
    ci_high FLOAT, estimate_usd FLOAT NOT NULL, budget_usd FLOAT, cost_usd FLOAT NOT NULL, scores {json} NOT NULL,
    message TEXT, finished_at {ts}, PRIMARY KEY (id),
    CONSTRAINT ck_evaluation_runs_status CHECK (status IN ('running', 'completed', 'budget_reached', 'failed'))
);
CREATE INDEX IF NOT EXISTS ix_evaluation_runs_project_id ON evaluation_runs (project_id);
CREATE INDEX IF NOT EXISTS ix_evaluation_runs_model_id ON evaluation_runs (model_id);
CREATE INDEX IF NOT EXISTS ix_evaluation_runs_created_by ON evaluation_runs (created_by);
CREATE TABLE IF NOT EXISTS evaluation_judgments (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    project_id TEXT NOT NULL DEFAULT 'default', run_id TEXT NOT NULL, model_id TEXT NOT NULL,
    content_key TEXT NOT NULL, conversation_id TEXT NOT NULL, turn_number BIGINT NOT NULL, prompt {json} NOT NULL,
    base_answer TEXT NOT NULL, tuned_answer TEXT NOT NULL, reference_answer TEXT, outcome TEXT NOT NULL,
    verdicts {json} NOT NULL, base_scores {json} NOT NULL, tuned_scores {json} NOT NULL, reason TEXT NOT NULL,
    error TEXT, cost_usd FLOAT NOT NULL, cached BOOLEAN NOT NULL, PRIMARY KEY (id),
    CONSTRAINT ck_evaluation_judgments_outcome CHECK (outcome IN ('tuned', 'base', 'tie', 'failed'))
);
CREATE INDEX IF NOT EXISTS ix_evaluation_judgments_project_id ON evaluation_judgments (project_id);
CREATE INDEX IF NOT EXISTS ix_evaluation_judgments_run_id ON evaluation_judgments (run_id);
CREATE INDEX IF NOT EXISTS ix_evaluation_judgments_model_id ON evaluation_judgments (model_id);
CREATE INDEX IF NOT EXISTS ix_evaluation_judgments_content_key ON evaluation_judgments (content_key);
CREATE INDEX IF NOT EXISTS ix_evaluation_judgments_created_by ON evaluation_judgments (created_by);
CREATE TABLE IF NOT EXISTS preference_picks (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    project_id TEXT NOT NULL DEFAULT 'default', model_id TEXT, judgment_id TEXT, conversation_id TEXT,
    turn_number BIGINT, prompt {json} NOT NULL, first_answer TEXT NOT NULL, second_answer TEXT NOT NULL,
    first_source TEXT NOT NULL, second_source TEXT NOT NULL, pick TEXT NOT NULL, reviewer TEXT, PRIMARY KEY (id),
    CONSTRAINT ck_preference_picks_pick CHECK (pick IN ('first', 'second', 'tie'))
);
CREATE INDEX IF NOT EXISTS ix_preference_picks_project_id ON preference_picks (project_id);
CREATE INDEX IF NOT EXISTS ix_preference_picks_model_id ON preference_picks (model_id);
CREATE INDEX IF NOT EXISTS ix_preference_picks_judgment_id ON preference_picks (judgment_id);
CREATE INDEX IF NOT EXISTS ix_preference_picks_created_by ON preference_picks (created_by);
"""
TABLES = ("evaluation_runs", "evaluation_judgments", "preference_picks")
OWNER = "created_by = (auth.uid())::text"


def _exists(conn: sa.Connection, sql: str, **params: str) -> bool:
    return conn.execute(sa.text(sql), params).scalar() is not None


def _row_level_security(conn: sa.Connection, table: str) -> None:
    conn.execute(sa.text(f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY"))
    conn.execute(sa.text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON public.{table} TO authenticated"))
    conn.execute(sa.text(f"GRANT ALL ON public.{table} TO service_role"))
    policy = "SELECT 1 FROM pg_policies WHERE schemaname = 'public' AND tablename = :t AND policyname = :n"
    if not _exists(conn, policy, t=table, n="owner_all"):
        conn.execute(
            sa.text(
                f'CREATE POLICY "owner_all" ON public.{table} FOR ALL TO authenticated '
                f"USING ({OWNER}) WITH CHECK ({OWNER})"
            )
        )
    trigger = "SELECT 1 FROM pg_trigger WHERE tgname = 'brightrun_stamp_owner' AND tgrelid = to_regclass(:t)"
    if not _exists(conn, trigger, t=f"public.{table}"):
        conn.execute(
            sa.text(
                f"CREATE TRIGGER brightrun_stamp_owner BEFORE INSERT ON public.{table} "
                "FOR EACH ROW EXECUTE FUNCTION public.brightrun_stamp_owner()"
            )
        )


def upgrade(conn: sa.Connection) -> None:
    ddl.run(conn, DDL)
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            _row_level_security(conn, table)
