"""The frozen-DDL helpers behave the same on SQLite and on the real Postgres, and keep the rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from core.storage.database import make_engine
from core.storage.migrations import ddl

TABLE = """
CREATE TABLE IF NOT EXISTS things (
    id TEXT NOT NULL, kind TEXT NOT NULL, label TEXT, made_at {ts} NOT NULL, data {json}, PRIMARY KEY (id),
    CONSTRAINT ck_things_kind CHECK (kind IN ('a', 'b')),
    CONSTRAINT uq_things_label UNIQUE (label)
);
CREATE INDEX IF NOT EXISTS ix_things_kind ON things (kind);
"""


@pytest.fixture
def engine(new_database: Callable[[], str]) -> sa.Engine:
    engine = make_engine(new_database())
    with engine.begin() as conn:
        ddl.run(conn, TABLE)
        ddl.run(conn, TABLE)  # checks first
        conn.execute(sa.text("INSERT INTO things (id, kind, label, made_at) VALUES ('1', 'a', 'x', '2024-01-01')"))
    return engine


def _insert(engine: sa.Engine, id_: str, kind: str, label: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO things (id, kind, label, made_at) VALUES (:i, :k, :l, '2024-01-01')"),
            {"i": id_, "k": kind, "l": label},
        )


def test_set_check_allows_a_new_value_and_keeps_rows_and_indexes(engine: sa.Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        _insert(engine, "2", "c")
    with engine.begin() as conn:
        ddl.set_check(conn, "things", "kind", ("a", "b", "c"))
    _insert(engine, "2", "c")
    with pytest.raises(sa.exc.IntegrityError):
        _insert(engine, "3", "d")
    inspector = sa.inspect(engine)
    assert "ix_things_kind" in {i["name"] for i in inspector.get_indexes("things")}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id FROM things ORDER BY id")).scalars().all() == ["1", "2"]
    engine.dispose()


def test_drop_constraint_lifts_a_uniqueness_and_add_column_checks_first(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        ddl.drop_constraint(conn, "things", "uq_things_label")
        ddl.drop_constraint(conn, "things", "uq_things_label")  # already gone: nothing happens
        assert ddl.add_column(conn, "things", "score BIGINT DEFAULT 0 NOT NULL")
        assert not ddl.add_column(conn, "things", "score BIGINT DEFAULT 0 NOT NULL")
    _insert(engine, "2", "b", "x")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT sum(score) FROM things")).scalar_one() == 0
        assert [c["name"] for c in sa.inspect(conn).get_check_constraints("things")] == ["ck_things_kind"]
    engine.dispose()
