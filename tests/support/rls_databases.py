"""A fresh database on the suite's PostgreSQL, seen twice: by its owner (who migrates it) and by ``app_user``,
a login that acts as a signed-in user, so row-level security applies to what it reads and writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from core.storage.database import Database
from tests.support.postgres import PostgresServer


@contextmanager
def owner_and_user_databases(server: PostgresServer, name: str) -> Iterator[tuple[Database, Database]]:
    """``(owner, app)`` over a new database ``name``, migrated to the latest schema; both closed after."""
    admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    owner = Database(server.url(name))
    owner.upgrade()
    with owner.engine.begin() as conn:
        conn.execute(
            sa.text(
                "DO $$ BEGIN CREATE ROLE app_user LOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        )
        conn.execute(sa.text("GRANT authenticated TO app_user"))
        conn.execute(sa.text(f"GRANT CONNECT ON DATABASE {name} TO app_user"))
    app = Database(server.url(name, user="app_user"))
    try:
        yield owner, app
    finally:
        owner.dispose()
        app.dispose()
