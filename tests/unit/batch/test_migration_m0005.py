"""m0005 on a database made before it: the new columns appear, and ``generation_logs.status`` accepts ``sent``
(SQLite rebuilds the table keeping its rows and indexes; Postgres swaps the CHECK constraint)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.storage.migrations import m0005_fenced_batches
from tests.support.postgres import PostgresServer

OLD_TABLES = (
    "CREATE TABLE batch_items (id TEXT PRIMARY KEY, job_id TEXT)",
    "CREATE TABLE batch_jobs (id TEXT PRIMARY KEY)",
    "CREATE TABLE conversations (conversation_id TEXT PRIMARY KEY)",
    "CREATE TABLE generation_logs (id TEXT PRIMARY KEY, job_id TEXT, status TEXT NOT NULL, "
    "CONSTRAINT ck_generation_logs_status CHECK (status IN ('success', 'failed', 'rate_limited', 'timeout')))",
    "CREATE INDEX ix_generation_logs_job_id ON generation_logs (job_id)",
    "INSERT INTO conversations (conversation_id) VALUES ('c1')",
    "INSERT INTO generation_logs (id, job_id, status) VALUES ('l1', 'j1', 'success')",
)


@pytest.fixture(params=["sqlite", "postgres"])
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("DROP DATABASE IF EXISTS m0005_old"))
            conn.execute(sa.text("CREATE DATABASE m0005_old"))
        admin.dispose()
        engine = sa.create_engine(server.url("m0005_old"))
    with engine.begin() as conn:
        for statement in OLD_TABLES:
            conn.execute(sa.text(statement))
    yield engine
    engine.dispose()


def test_m0005_upgrades_an_older_database(old_engine: sa.Engine) -> None:
    with old_engine.begin() as conn:
        m0005_fenced_batches.upgrade(conn)
        m0005_fenced_batches.upgrade(conn)  # a re-run changes nothing
    with old_engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO generation_logs (id, job_id, status) VALUES ('l2', 'j1', 'sent')"))
        inspector = sa.inspect(conn)
        columns = {t: {c["name"] for c in inspector.get_columns(t)} for t in ("batch_items", "batch_jobs")}
        indexes = {i["name"] for i in inspector.get_indexes("generation_logs")}
        version = conn.execute(sa.text("SELECT row_version FROM conversations")).scalar_one()
        statuses = set(conn.execute(sa.text("SELECT status FROM generation_logs")).scalars())
    assert {"attempt_token", "submitted_request"} <= columns["batch_items"]
    assert "throttled_until" in columns["batch_jobs"]
    assert version == 1 and statuses == {"success", "sent"} and "ix_generation_logs_job_id" in indexes
    with pytest.raises(sa.exc.IntegrityError), old_engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO generation_logs (id, job_id, status) VALUES ('l3', 'j1', 'bogus')"))
