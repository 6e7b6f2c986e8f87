"""Named, append-only migrations, recorded in ``schema_migrations``.

Each migration is a module ``mNNNN_what_it_does.py`` in this package with a function
``upgrade(conn: sqlalchemy.Connection) -> None``; they run in name order, each in its own transaction.
One history serves SQLite and Postgres: a migration may look at ``conn.dialect.name`` for
backend-only steps (row-level security exists only on Postgres). Never edit or reorder a released
migration; add a new one. A migration that adds a column checks first, so a database created from
the current schema and one upgraded step by step end up the same.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import sqlalchemy as sa

from core.models.base import utcnow
from core.storage import schema

Migration = Callable[[sa.Connection], None]


def all_migrations() -> list[tuple[str, Migration]]:
    """Every migration of this package, in name order."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("m"))
    return [(name[1:], importlib.import_module(f"{__name__}.{name}").upgrade) for name in names]


def applied(conn: sa.Connection) -> set[str]:
    schema.schema_migrations.create(conn, checkfirst=True)
    return set(conn.execute(sa.select(schema.schema_migrations.c.name)).scalars())


def pending(engine: sa.Engine) -> list[str]:
    with engine.begin() as conn:
        done = applied(conn)
    return [name for name, _ in all_migrations() if name not in done]


def upgrade(engine: sa.Engine) -> list[str]:
    """Apply every pending migration in order. Returns the names applied."""
    ran: list[str] = []
    for name, fn in all_migrations():
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                # Two processes upgrading at once wait for each other instead of racing.
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(727274)"))
            if name in applied(conn):
                continue
            fn(conn)
            conn.execute(sa.insert(schema.schema_migrations).values(name=name, applied_at=utcnow()))
            ran.append(name)
    return ran
