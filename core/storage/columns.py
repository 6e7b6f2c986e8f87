"""Columns from pydantic annotations: the column type of each field, its allowed values, and a whole table.

Text, integer, float, boolean, timestamp (always UTC-aware) and JSON (JSONB on Postgres) for dicts and lists;
a ``Literal`` field gets a CHECK of its values.
"""

from __future__ import annotations

import types
import typing
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel


class JSONDocument(sa.TypeDecorator[Any]):
    """JSON, stored as JSONB on Postgres. The Postgres dialect loads only when a Postgres engine uses the
    type, so a command on the embedded SQLite store starts without it."""

    impl = sa.JSON()
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(sa.JSON())


JSON = JSONDocument()


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the backend stores."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _column_type(annotation: Any) -> sa.types.TypeEngine[Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _column_type(args[0])
    if origin is typing.Literal:
        return sa.Text()
    if origin is typing.Annotated:
        return _column_type(typing.get_args(annotation)[0])
    if annotation is bool:
        return sa.Boolean()
    if annotation is int:
        return sa.BigInteger()
    if annotation is float:
        return sa.Float()
    if annotation is datetime:
        return UTCDateTime()
    if annotation is str:
        return sa.Text()
    if origin in (dict, list) or annotation in (dict, list):
        return JSON
    raise TypeError(f"no column type for {annotation!r}")


def _literal_values(annotation: Any) -> tuple[str, ...]:
    """The allowed values of a ``Literal`` (or optional ``Literal``) field, else ``()``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if values := _literal_values(arg):
                return values
    if origin is typing.Literal:
        return tuple(str(v) for v in typing.get_args(annotation))
    return ()


def table_for(
    name: str,
    model: type[BaseModel],
    metadata: sa.MetaData,
    *,
    primary_key: str = "id",
    unique: tuple[str | tuple[str, ...], ...] = (),
    indexes: tuple[str, ...] = (),
    composite: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> sa.Table:
    """Build, in ``metadata``, the table whose columns are ``model``'s fields (``composite``: named indexes over
    several columns)."""
    columns: list[sa.schema.SchemaItem] = []
    if "project_id" in model.model_fields:
        indexes = (*indexes, "project_id")  # every project-scoped read filters on it (m0014)
    for field_name, field in model.model_fields.items():
        allowed = _literal_values(field.annotation)
        if allowed:
            quoted = ", ".join(f"'{v}'" for v in allowed)
            columns.append(sa.CheckConstraint(f"{field_name} IN ({quoted})", name=f"ck_{name}_{field_name}"))
        nullable = not field.is_required() and (
            type(None) in typing.get_args(field.annotation) or field.default is None
        )
        columns.append(
            sa.Column(
                field_name,
                _column_type(field.annotation),
                primary_key=field_name == primary_key,
                nullable=nullable and field_name != primary_key,
                index=field_name in indexes,
            )
        )
    for spec in unique:
        cols = (spec,) if isinstance(spec, str) else spec
        columns.append(sa.UniqueConstraint(*cols, name=f"uq_{name}_{'_'.join(cols)}"))
    columns.extend(sa.Index(index_name, *cols) for index_name, cols in composite)
    return sa.Table(name, metadata, *columns)
