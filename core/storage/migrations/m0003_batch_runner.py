"""Batch runner: the job log table, and per-item usage and Message Batches columns on ``batch_items``."""

import sqlalchemy as sa

from core.storage import schema

NEW_ITEM_COLUMNS = ("input_tokens", "output_tokens", "message_batch_id")


def upgrade(conn: sa.Connection) -> None:
    schema.batch_logs.create(conn, checkfirst=True)
    for index in schema.batch_logs.indexes:
        index.create(conn, checkfirst=True)
    # A database made by m0001 from the current schema already has these columns; an older one does not.
    existing = {c["name"] for c in sa.inspect(conn).get_columns("batch_items")}
    for name in NEW_ITEM_COLUMNS:
        if name in existing:
            continue
        column = schema.batch_items.c[name]
        column_type = column.type.compile(dialect=conn.dialect)
        default = " DEFAULT 0 NOT NULL" if name != "message_batch_id" else ""
        conn.execute(sa.text(f"ALTER TABLE batch_items ADD COLUMN {name} {column_type}{default}"))
