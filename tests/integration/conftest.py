"""Fixtures of the integration tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.models.base import new_id
from core.storage.database import Database
from core.storage.migrations.m0014_projects import FIRST_PROJECT
from core.storage.rls import as_user
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


# -- row-level security: a database with Supabase's pieces, a worker (owner role) and an app login ------
USER_A, USER_B, REVIEWER = new_id(), new_id(), new_id()
#: The reviewer's sign-in email: on Postgres the database records reviews under it (m0013).
REVIEWER_EMAIL = "rita@example.com"
# The bits of Supabase Storage's schema the migration looks for (on Supabase they exist already).
STORAGE_SCHEMA = """
CREATE SCHEMA storage;
CREATE TABLE storage.buckets (id text PRIMARY KEY, name text NOT NULL, public boolean DEFAULT false);
CREATE TABLE storage.objects (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), bucket_id text, name text);
CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE sql IMMUTABLE
  AS $$ SELECT (string_to_array(name, '/'))[1:array_length(string_to_array(name, '/'), 1) - 1] $$;
"""
# Supabase grants every table made in ``public`` to its API roles; RLS (and m0006's revokes) must hold anyway.
SUPABASE_DEFAULT_GRANTS = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; END IF;
END $$;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
"""


@dataclass
class Rls:
    worker: Database
    app: Database

    def user(self, user_id: str) -> Database:
        return as_user(self.app, user_id)

    def reviewer(self) -> Database:
        return as_user(self.app, REVIEWER, role="reviewer", email=REVIEWER_EMAIL)


@pytest.fixture(scope="session")
def rls_urls(postgres_server: PostgresServer) -> tuple[str, str]:
    admin = sa.create_engine(postgres_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("CREATE DATABASE brightrun_rls"))
    admin.dispose()
    worker = Database(postgres_server.url("brightrun_rls"))
    with worker.engine.begin() as conn:
        conn.execute(sa.text(STORAGE_SCHEMA))
        conn.execute(sa.text(SUPABASE_DEFAULT_GRANTS))
    worker.upgrade()
    with worker.engine.begin() as conn:
        conn.execute(
            sa.text(
                "DO $$ BEGIN CREATE ROLE app_user LOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        )
        # As PostgREST's login can: the app's login may act as a signed-in user or as nobody in particular.
        conn.execute(sa.text("GRANT authenticated, anon TO app_user"))
        conn.execute(sa.text("GRANT CONNECT ON DATABASE brightrun_rls TO app_user"))
    worker.dispose()
    return postgres_server.url("brightrun_rls"), postgres_server.url("brightrun_rls", user="app_user")


@pytest.fixture
def rls(rls_urls: tuple[str, str]) -> Iterator[Rls]:
    worker, app = Database(rls_urls[0]), Database(rls_urls[1])
    with worker.engine.begin() as conn:
        names = ", ".join(t for t in sa.inspect(conn).get_table_names() if t != "schema_migrations")
        conn.execute(sa.text(f"TRUNCATE {names} CASCADE"))
        conn.exec_driver_sql(FIRST_PROJECT.strip())  # the first project (m0014) is part of every migrated database
    yield Rls(worker, app)
    worker.dispose()
    app.dispose()
