"""Named, append-only migrations, recorded in ``schema_migrations``.

Each migration is a module ``mNNNN_what_it_does.py`` in this package with a function
``upgrade(conn: sqlalchemy.Connection) -> None``; they run in name order, each in its own transaction
(on Postgres under an advisory lock, so two processes upgrading at once wait for each other).
One history serves SQLite and Postgres: a migration may look at ``conn.dialect.name`` for
backend-only steps (row-level security exists only on Postgres).

The rule: **a migration is frozen DDL.** It writes its SQL out as text (``CREATE TABLE``,
``ALTER TABLE ... ADD COLUMN``, ``CREATE INDEX``, constraints with their values spelled out) with the helpers
of :mod:`core.storage.migrations.ddl`, and never builds DDL from ``core.storage.schema`` or the models
(no ``metadata.create_all``, no CHECK values taken from a ``Literal``). So a model changing later cannot
change what an old migration does, and every database, fresh or upgraded step by step, ends up the same.

- Never edit or reorder a released migration; add a new one.
- A model change that touches the database (a column, a status value, an index, a uniqueness rule) ships
  with a migration that makes it, and ``core.storage.schema`` matching it. ``tests/integration/
  test_migration_path.py`` upgrades a database from every step to the last and compares it with the models
  (tables, columns, types, nullability, indexes and uniques, CHECK values); it fails when they disagree.
- Every step checks first (``IF NOT EXISTS``, ``ddl.add_column``), so a migration may run twice.
- A new table on Postgres gets row-level security in the same or a following migration (see m0004).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from typing import cast

import sqlalchemy as sa

from core.models.base import utcnow
from core.storage import schema
from core.storage.migrations import ddl

Migration = Callable[[sa.Connection], None]
MODULE_NAME = re.compile(r"^m\d{4}_\w+$")
SCHEMA_MIGRATIONS_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT NOT NULL PRIMARY KEY, applied_at {ts} NOT NULL)"
)
ADVISORY_LOCK = 727274
#: Execution option of a connection that only reads: on SQLite its transaction begins deferred (no write lock).
READ_ONLY = "brightrun_read_only"


def migration_names() -> list[str]:
    """Every migration of this package by name (``0001_initial_tables``…), in order, without importing them."""
    return sorted(m.name[1:] for m in pkgutil.iter_modules(__path__) if MODULE_NAME.match(m.name))


def load(name: str) -> Migration:
    return cast(Migration, importlib.import_module(f"{__name__}.m{name}").upgrade)


def all_migrations() -> list[tuple[str, Migration]]:
    """Every migration of this package, in name order."""
    return [(name, load(name)) for name in migration_names()]


def applied(conn: sa.Connection) -> set[str]:
    ddl.run(conn, SCHEMA_MIGRATIONS_DDL)
    return set(conn.execute(sa.select(schema.schema_migrations.c.name)).scalars())


def pending(engine: sa.Engine) -> list[str]:
    """Migrations not applied yet, read without a write lock: the check at every start never waits for a
    writer (on SQLite a read transaction begins deferred and sees the last commit)."""
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn, conn.begin():
        if not sa.inspect(conn).has_table(schema.schema_migrations.name):
            return migration_names()
        done = set(conn.execute(sa.select(schema.schema_migrations.c.name)).scalars())
    return [name for name in migration_names() if name not in done]


def upgrade(engine: sa.Engine, *, until: str | None = None) -> list[str]:
    """Apply every pending migration in order (only up to and including ``until`` when given).

    Returns the names applied. An up-to-date database costs one read (the common case at every start).
    """
    wanted = [name for name in pending(engine) if until is None or name <= until]
    ran: list[str] = []
    for name in wanted:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                # Two processes upgrading at once wait for each other instead of racing.
                conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
            if name in applied(conn):
                continue
            load(name)(conn)
            conn.execute(sa.insert(schema.schema_migrations).values(name=name, applied_at=utcnow()))
            ran.append(name)
    return ran
