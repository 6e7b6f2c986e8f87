"""Fixtures of the integration tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.postgres import PostgresServer

_numbers = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """A factory of empty databases (URLs) on one backend."""
    made: list[str] = []
    if request.param == "sqlite":

        def _sqlite() -> str:
            return f"sqlite:///{tmp_path / f'db{next(_numbers)}.sqlite3'}"

        yield _sqlite
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")

    def _postgres() -> str:
        name = f"scratch_{next(_numbers)}"
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        made.append(name)
        return server.url(name)

    yield _postgres
    with admin.connect() as conn:
        for name in made:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()
