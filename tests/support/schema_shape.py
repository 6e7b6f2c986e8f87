"""The shape of a database, read back from the database itself, so two databases can be compared.

``shape(conn)`` describes every table: its columns (type as the backend names it, nullability), primary key,
unique constraints, indexes (columns, uniqueness, a partial index's condition) and CHECK constraints (the
allowed values). Server defaults and column order are left out: an ``ALTER TABLE ... ADD COLUMN`` needs a
default and appends, while ``create_all`` does neither, and neither changes what the app can store.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

# Names the same type gets back from reflection on one backend.
_SAME_TYPE = {"DOUBLE PRECISION": "FLOAT", "DOUBLE": "FLOAT", "REAL": "FLOAT", "TIMESTAMP": "DATETIME"}


def _type_name(column_type: Any, dialect: sa.Dialect) -> str:
    name = column_type.compile(dialect=dialect).upper()
    if "TIME ZONE" in name:
        return name
    return _SAME_TYPE.get(name, name)


def _check_values(sqltext: str) -> tuple[str, frozenset[str]]:
    """``status IN ('a', 'b')`` (SQLite) or ``status = ANY (ARRAY['a'::text, ...])`` (Postgres) -> column, values."""
    column = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", sqltext)[0]
    return column, frozenset(re.findall(r"'((?:[^']|'')*)'", sqltext))


def _normalised(text: str | None) -> str | None:
    if text is None:
        return None
    return re.sub(r"[\s()\"]+", " ", text).strip().lower()


def _index_conditions(conn: sa.Connection) -> dict[str, str | None]:
    """The WHERE of each partial index, by index name."""
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'").all()
    else:
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).all()
    found: dict[str, str | None] = {}
    for name, definition in rows:
        where = re.split(r"\bWHERE\b", definition, maxsplit=1, flags=re.IGNORECASE)
        found[name] = _normalised(where[1]) if len(where) == 2 else None
    return found


def shape(conn: sa.Connection) -> dict[str, dict[str, Any]]:
    inspector = sa.inspect(conn)
    conditions = _index_conditions(conn)
    tables: dict[str, dict[str, Any]] = {}
    for table in sorted(inspector.get_table_names()):
        columns = {
            c["name"]: (_type_name(c["type"], conn.dialect), bool(c["nullable"])) for c in inspector.get_columns(table)
        }
        uniques = {(u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)}
        indexes = {
            (i["name"], tuple(str(c) for c in i["column_names"]), bool(i["unique"]), conditions.get(str(i["name"])))
            for i in inspector.get_indexes(table)
            if not i.get("duplicates_constraint")
        }
        checks = {(c["name"], _check_values(c["sqltext"])) for c in inspector.get_check_constraints(table)}
        tables[table] = {
            "columns": columns,
            "primary_key": tuple(inspector.get_pk_constraint(table)["constrained_columns"]),
            "uniques": uniques,
            "indexes": indexes,
            "checks": checks,
        }
    return tables


def differences(found: dict[str, dict[str, Any]], expected: dict[str, dict[str, Any]]) -> list[str]:
    """Plain lines saying where ``found`` differs from ``expected``; empty when they agree."""
    lines: list[str] = []
    for table in sorted(set(found) | set(expected)):
        if table not in found:
            lines.append(f"table {table}: missing")
            continue
        if table not in expected:
            lines.append(f"table {table}: not in the models")
            continue
        have, want = found[table], expected[table]
        for name in sorted(set(have["columns"]) | set(want["columns"])):
            if have["columns"].get(name) != want["columns"].get(name):
                lines.append(f"{table}.{name}: {have['columns'].get(name)} != expected {want['columns'].get(name)}")
        for part in ("primary_key", "uniques", "indexes", "checks"):
            if have[part] != want[part]:
                extra = have[part] - want[part] if isinstance(have[part], set) else have[part]
                missing = want[part] - have[part] if isinstance(want[part], set) else want[part]
                lines.append(
                    f"{table} {part}: unexpected {sorted(map(str, extra))}, missing {sorted(map(str, missing))}"
                )
    return lines
