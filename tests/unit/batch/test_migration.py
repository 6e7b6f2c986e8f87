"""m0003 adds its columns to a ``batch_items`` table made before it, and creates the job log."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from core.storage.migrations import m0003_batch_runner


def test_m0003_adds_the_new_item_columns_to_an_older_table(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE batch_items (id TEXT PRIMARY KEY, job_id TEXT, cost_usd FLOAT)"))
        m0003_batch_runner.upgrade(conn)
        m0003_batch_runner.upgrade(conn)  # idempotent
        columns = {c["name"] for c in sa.inspect(conn).get_columns("batch_items")}
        tables = set(sa.inspect(conn).get_table_names())
    assert {"input_tokens", "output_tokens", "message_batch_id"} <= columns
    assert "batch_logs" in tables
