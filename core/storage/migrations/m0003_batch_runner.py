"""Batch runner: the job log table, and per-item usage and Message Batches columns on ``batch_items``.

Frozen DDL (see ``core.storage.migrations``).
"""

import sqlalchemy as sa

from core.storage.migrations import ddl

DDL = """
CREATE TABLE IF NOT EXISTS batch_logs (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, job_id TEXT NOT NULL,
    item_id TEXT, level TEXT NOT NULL, message TEXT NOT NULL, PRIMARY KEY (id),
    CONSTRAINT ck_batch_logs_level CHECK (level IN ('info', 'warning', 'error'))
);
CREATE INDEX IF NOT EXISTS ix_batch_logs_created_at ON batch_logs (created_at);
CREATE INDEX IF NOT EXISTS ix_batch_logs_job_id ON batch_logs (job_id);
"""
NEW_ITEM_COLUMNS = (
    "input_tokens BIGINT DEFAULT 0 NOT NULL",
    "output_tokens BIGINT DEFAULT 0 NOT NULL",
    "message_batch_id TEXT",
)


def upgrade(conn: sa.Connection) -> None:
    ddl.run(conn, DDL)
    for definition in NEW_ITEM_COLUMNS:
        ddl.add_column(conn, "batch_items", definition)
