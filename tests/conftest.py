"""Shared fixtures: every test gets its own data folder, no API keys, and no real secrets file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import core.claude_key
import core.settings
from core.bootstrap import Services, build_services
from core.models.projects import DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME, DEFAULT_PROJECT_SLUG, Project
from core.settings import Settings
from core.storage import schema
from core.storage.database import Database
from tests.support.postgres import PostgresServer, PostgresUnavailable, start_postgres

SECRET_VARS = (
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "TOGETHER_API_KEY",
    "TOGETHER_BASE_URL",
    "SUPABASE_URL",
    "SUPABASE_KEY",
    "SUPABASE_DB_URL",
    "BRIGHTRUN_DATA_DIR",
    "BRIGHTRUN_SECRETS_FILE",
)
pytest_plugins = ["tests.fakes.fixtures", "tests.support.training_fixtures"]
FIRST_PROJECT = Project(id=DEFAULT_PROJECT_ID, slug=DEFAULT_PROJECT_SLUG, name=DEFAULT_PROJECT_NAME)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRET_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIGHTRUN_DATA_DIR", str(tmp_path / "data"))
    # The global ``--project`` sets this for the commands it runs (and their helpers): undone after each test.
    monkeypatch.setenv("BRIGHTRUN_PROJECT", "default")
    monkeypatch.setattr(core.settings, "SECRETS_FILE", tmp_path / "no-secrets.toml")
    monkeypatch.setattr(core.claude_key, "_checked", {})  # a key checked in one test is not trusted in the next


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings)
    yield built
    built.close()


# -- PostgreSQL ---------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL for the whole run. Outside CI a missing server skips; in CI it fails."""
    try:
        server = start_postgres()
    except PostgresUnavailable as err:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {err}")
        pytest.skip(str(err))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """A migrated database on the test server."""
    admin = sa.create_engine(postgres_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("CREATE DATABASE brightrun_test"))
    admin.dispose()
    url = postgres_server.url("brightrun_test")
    db = Database(url)
    db.upgrade()
    db.dispose()
    return url


def _truncate_all(db: Database) -> None:
    names = ", ".join(t.name for t in schema.metadata.sorted_tables if t.name != "schema_migrations")
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {names} CASCADE"))
        else:
            for table in reversed(schema.metadata.sorted_tables):
                if table.name != "schema_migrations":
                    conn.execute(table.delete())
        # The first project (m0014) is part of every migrated database.
        conn.execute(schema.projects.insert().values(**FIRST_PROJECT.model_dump()))


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The same tests on both backends: a fresh SQLite file, or the shared Postgres emptied first."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'contract.sqlite3'}")
        database.upgrade()
    else:
        database = Database(request.getfixturevalue("postgres_url"))
        _truncate_all(database)
    yield database
    database.dispose()
