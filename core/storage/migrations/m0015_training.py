"""Training: training jobs, their learning-progress points, and the trained models (LoRA adapters).

Frozen DDL (see ``core.storage.migrations``). Each row carries its project (``project_id``, default
``'default'``, indexed). On Postgres every row belongs to the user who made it: only its owner reads or
changes it (the service role and the owner connection, workers and the CLI, bypass RLS as for every table of
m0004); rows inserted without ``created_by`` are stamped by m0004's trigger function; ``anon`` gets nothing
and ``authenticated`` only SELECT, INSERT, UPDATE and DELETE (as m0006 narrows every table).
"""

import sqlalchemy as sa

from core.storage.migrations import ddl

DDL = """
CREATE TABLE IF NOT EXISTS training_jobs (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    project_id TEXT NOT NULL DEFAULT 'default', name TEXT NOT NULL, backend TEXT NOT NULL, base_model TEXT NOT NULL,
    preset TEXT NOT NULL, hyperparameters {json} NOT NULL, status TEXT NOT NULL, phase TEXT NOT NULL,
    training_file_id TEXT NOT NULL, training_file_name TEXT NOT NULL, training_file_sha256 TEXT NOT NULL,
    train_path TEXT NOT NULL, validation_path TEXT NOT NULL, train_conversation_ids {json} NOT NULL,
    validation_conversation_ids {json} NOT NULL, estimate {json} NOT NULL, budget_usd FLOAT, cost_usd FLOAT NOT NULL,
    step BIGINT NOT NULL, total_steps BIGINT NOT NULL, epoch FLOAT, loss FLOAT, eval_loss FLOAT, message TEXT,
    cancel_requested BOOLEAN NOT NULL, attempts BIGINT NOT NULL, lease_owner TEXT, lease_expires_at {ts},
    child_pid BIGINT, external_file_id TEXT, external_validation_file_id TEXT, external_job_id TEXT,
    hosted_model_name TEXT, adapter_id TEXT, is_demo BOOLEAN NOT NULL, started_at {ts}, finished_at {ts},
    PRIMARY KEY (id),
    CONSTRAINT ck_training_jobs_backend CHECK (backend IN ('local', 'together')),
    CONSTRAINT ck_training_jobs_preset CHECK (preset IN ('quick', 'standard', 'thorough', 'custom')),
    CONSTRAINT ck_training_jobs_status CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    CONSTRAINT ck_training_jobs_phase CHECK (
        phase IN ('uploading', 'queued', 'training', 'saving', 'ready', 'failed', 'cancelled'))
);
CREATE INDEX IF NOT EXISTS ix_training_jobs_project_id ON training_jobs (project_id);
CREATE INDEX IF NOT EXISTS ix_training_jobs_created_by ON training_jobs (created_by);
CREATE INDEX IF NOT EXISTS ix_training_jobs_status ON training_jobs (status);
CREATE TABLE IF NOT EXISTS training_metrics (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    project_id TEXT NOT NULL DEFAULT 'default', job_id TEXT NOT NULL, step BIGINT NOT NULL, epoch FLOAT, loss FLOAT,
    eval_loss FLOAT, learning_rate FLOAT, PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_training_metrics_project_id ON training_metrics (project_id);
CREATE INDEX IF NOT EXISTS ix_training_metrics_job_id ON training_metrics (job_id);
CREATE TABLE IF NOT EXISTS trained_models (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    project_id TEXT NOT NULL DEFAULT 'default', name TEXT NOT NULL, base_model TEXT NOT NULL, backend TEXT NOT NULL,
    training_job_id TEXT NOT NULL, training_file_id TEXT NOT NULL, training_file_name TEXT NOT NULL,
    training_file_sha256 TEXT NOT NULL, preset TEXT NOT NULL, hyperparameters {json} NOT NULL,
    adapter_bucket TEXT NOT NULL, adapter_path TEXT NOT NULL, adapter_size BIGINT,
    validation_conversation_ids {json} NOT NULL, hosted_model_name TEXT, final_loss FLOAT, final_eval_loss FLOAT,
    steps BIGINT NOT NULL, is_demo BOOLEAN NOT NULL, PRIMARY KEY (id),
    CONSTRAINT ck_trained_models_backend CHECK (backend IN ('local', 'together')),
    CONSTRAINT ck_trained_models_preset CHECK (preset IN ('quick', 'standard', 'thorough', 'custom'))
);
CREATE INDEX IF NOT EXISTS ix_trained_models_project_id ON trained_models (project_id);
CREATE INDEX IF NOT EXISTS ix_trained_models_created_by ON trained_models (created_by);
CREATE INDEX IF NOT EXISTS ix_trained_models_training_job_id ON trained_models (training_job_id);
"""
TABLES = ("training_jobs", "training_metrics", "trained_models")
BUCKETS = ("adapters", "training-inputs")
OWNER = "created_by = (auth.uid())::text"


def _exists(conn: sa.Connection, sql: str, **params: str) -> bool:
    return conn.execute(sa.text(sql), params).scalar() is not None


def _row_level_security(conn: sa.Connection, table: str) -> None:
    conn.execute(sa.text(f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY"))
    conn.execute(sa.text(f"REVOKE ALL ON public.{table} FROM anon"))
    conn.execute(sa.text(f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON public.{table} FROM authenticated"))
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


def _buckets(conn: sa.Connection) -> None:
    """Private buckets for adapters and frozen inputs (service role only: no policy for users), on Supabase."""
    if not _exists(conn, "SELECT to_regclass('storage.buckets')"):
        return
    for bucket in BUCKETS:
        conn.execute(
            sa.text(
                "INSERT INTO storage.buckets (id, name, public) VALUES (:b, :b, false) ON CONFLICT (id) DO NOTHING"
            ),
            {"b": bucket},
        )


def upgrade(conn: sa.Connection) -> None:
    ddl.run(conn, DDL)
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            _row_level_security(conn, table)
        _buckets(conn)
