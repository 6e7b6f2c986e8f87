"""Helpers for writing a migration as explicit, frozen DDL that runs on SQLite and on Postgres.

A migration's SQL is text written once; it never reads ``core.storage.schema`` or the models, so a model
changing later cannot change what an old migration does. The only differences between the two backends
are two column types, written as placeholders and filled in per dialect:

- ``{ts}``: a UTC timestamp (``DATETIME`` on SQLite, ``TIMESTAMP WITH TIME ZONE`` on Postgres);
- ``{json}``: a JSON document (``JSON`` on SQLite, ``JSONB`` on Postgres).

Every step checks first (``IF NOT EXISTS``, :func:`add_column`), so running a migration twice changes nothing.
SQLite cannot alter a constraint in place; :func:`set_check` and :func:`drop_constraint` rebuild the table
there (same columns, rows and indexes) and use ``ALTER TABLE`` on Postgres.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import sqlalchemy as sa

TYPES = {
    "sqlite": {"ts": "DATETIME", "json": "JSON"},
    "postgresql": {"ts": "TIMESTAMP WITH TIME ZONE", "json": "JSONB"},
}


def sql_for(conn: sa.Connection, text: str) -> str:
    """``text`` with the ``{ts}`` / ``{json}`` placeholders filled in for this connection's dialect."""
    return text.format(**TYPES[conn.dialect.name])


def run(conn: sa.Connection, script: str) -> None:
    """Execute each ``;``-terminated statement of ``script`` (placeholders filled in for the dialect)."""
    for statement in sql_for(conn, script).split(";\n"):
        if statement.strip():
            conn.exec_driver_sql(statement.strip().rstrip(";"))


def table_exists(conn: sa.Connection, table: str) -> bool:
    return sa.inspect(conn).has_table(table)


def column_names(conn: sa.Connection, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns(table)}


def add_column(conn: sa.Connection, table: str, definition: str) -> bool:
    """``ALTER TABLE table ADD COLUMN definition`` unless the column is there. True when it was added.

    ``definition`` is written out, e.g. ``"input_tokens BIGINT DEFAULT 0 NOT NULL"`` (SQLite needs a
    default for a NOT NULL column added to a table with rows).
    """
    name = definition.split()[0]
    if name in column_names(conn, table):
        return False
    conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {sql_for(conn, definition)}")
    return True


def check_values_sql(column: str, values: Iterable[str]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


def set_check(conn: sa.Connection, table: str, column: str, values: Iterable[str]) -> None:
    """Make ``ck_{table}_{column}`` allow exactly ``values`` (add it when it is missing)."""
    name = f"ck_{table}_{column}"
    clause = f"CONSTRAINT {name} CHECK ({check_values_sql(column, values)})"
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD {clause}")
        return

    def _edit(sql: str) -> str:
        found = _constraint_pattern(name).search(sql)
        if found:
            return sql[: found.start()] + clause + sql[found.end() :]
        return _append_clause(sql, clause)

    rebuild_sqlite_table(conn, table, _edit)


def drop_constraint(conn: sa.Connection, table: str, name: str) -> None:
    """Drop a named table constraint (a CHECK or UNIQUE), if it is there."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
        return

    def _edit(sql: str) -> str:
        found = _constraint_pattern(name).search(sql)
        if not found:
            return sql
        before = sql[: found.start()].rstrip()
        return before.rstrip(",") + sql[found.end() :]

    rebuild_sqlite_table(conn, table, _edit)


def _constraint_pattern(name: str) -> re.Pattern[str]:
    """``CONSTRAINT name CHECK (...)`` or ``... UNIQUE (...)``, one level of nested parentheses."""
    return re.compile(rf"CONSTRAINT\s+\"?{re.escape(name)}\"?\s+(CHECK|UNIQUE)\s*\((?:[^()]|\([^()]*\))*\)")


def _append_clause(sql: str, clause: str) -> str:
    end = sql.rindex(")")
    return sql[:end].rstrip() + f",\n    {clause}\n" + sql[end:]


def rebuild_sqlite_table(conn: sa.Connection, table: str, edit: Callable[[str], str]) -> None:
    """Recreate a SQLite table from its edited ``CREATE TABLE`` text, keeping its rows and its indexes.

    The documented procedure (sqlite.org/lang_altertable.html, "other kinds of table schema changes"):
    create the new table, copy the rows, drop the old one, rename, recreate the indexes.
    """
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    if sql is None:
        return
    edited = edit(sql)
    if edited == sql:
        return
    indexes = list(
        conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
        ).scalars()
    )
    temporary = f"{table}__rebuild"
    header = re.compile(rf"^CREATE TABLE\s+\"?{re.escape(table)}\"?", re.IGNORECASE)
    conn.exec_driver_sql(header.sub(f"CREATE TABLE {temporary}", edited, count=1))
    columns = ", ".join(f'"{c}"' for c in column_names(conn, table))
    conn.exec_driver_sql(f"INSERT INTO {temporary} ({columns}) SELECT {columns} FROM {table}")
    conn.exec_driver_sql(f"DROP TABLE {table}")
    conn.exec_driver_sql(f"ALTER TABLE {temporary} RENAME TO {table}")
    for index_sql in indexes:
        conn.exec_driver_sql(index_sql)
