"""A typed repository over one table: the same code on SQLite and Postgres (SQLAlchemy Core)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

import sqlalchemy as sa
from pydantic import BaseModel

from core.errors import ConflictError, NotFoundError
from core.models.base import utcnow
from core.storage import schema

if TYPE_CHECKING:
    from core.storage.database import Database

M = TypeVar("M", bound=BaseModel)
Where = Mapping[str, Any]


class Repository(Generic[M]):
    """Rows of ``table`` as ``model`` instances.

    ``where`` arguments map a column to a value (equality), a list/tuple/set (IN), or ``None`` (IS NULL).
    Every method takes an optional ``conn`` so callers can compose several writes in one transaction.

    Projects: when the database is bound to a project (``Database.in_project``) and the table has a
    ``project_id`` column, every read and change sees only that project's rows and every row written is
    stamped with it. A database bound to no project (``project_id`` ``None``: workers finding jobs, deleting
    a project) sees every project and writes each row's own ``project_id``.
    """

    def __init__(self, db: Database, table: sa.Table, model: type[M], *, label: str) -> None:
        self.db = db
        self.table = table
        self.model = model
        self.label = label
        self.pk = next(iter(table.primary_key.columns))
        self._project_column = table.c.get("project_id")

    @property
    def project_id(self) -> str | None:
        """The project this repository reads and writes (``None``: every project, or a table of none)."""
        return self.db.project_id if self._project_column is not None else None

    def in_scope(self) -> list[sa.ColumnElement[bool]]:
        """The condition that keeps a statement inside the bound project (none when unbound)."""
        project = self.project_id
        return [] if project is None or self._project_column is None else [self._project_column == project]

    # -- conversion ---------------------------------------------------------------------------
    def to_row(self, obj: M) -> dict[str, Any]:
        data = obj.model_dump(mode="python")
        row = {c.name: data[c.name] for c in self.table.columns if c.name in data}
        if (project := self.project_id) is not None:
            row["project_id"] = project
        return row

    def from_row(self, row: sa.Row[Any] | Mapping[str, Any]) -> M:
        return self.model.model_validate(dict(row._mapping if isinstance(row, sa.Row) else row))

    def clause(self, where: Where | None) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = self.in_scope()
        for name, value in (where or {}).items():
            column = self.table.c[name]
            if value is None:
                clauses.append(column.is_(None))
            elif isinstance(value, list | tuple | set | frozenset):
                clauses.append(column.in_(list(value)))
            else:
                clauses.append(column == value)
        return clauses

    @contextmanager
    def _conn(self, conn: sa.Connection | None) -> Iterator[sa.Connection]:
        if conn is not None:
            yield conn
        else:
            with self.db.transaction() as fresh:
                yield fresh

    @contextmanager
    def _read(self, conn: sa.Connection | None) -> Iterator[sa.Connection]:
        """A connection for a read: the caller's, else a read transaction (no write lock on SQLite)."""
        if conn is not None:
            yield conn
        else:
            with self.db.reading() as fresh:
                yield fresh

    # -- reads ----------------------------------------------------------------------------------
    def find(self, key: str, *, conn: sa.Connection | None = None) -> M | None:
        with self._read(conn) as c:
            row = c.execute(sa.select(self.table).where(self.pk == key, *self.in_scope())).first()
        return self.from_row(row) if row else None

    def get(self, key: str, *, conn: sa.Connection | None = None) -> M:
        found = self.find(key, conn=conn)
        if found is None:
            raise NotFoundError(f"No {self.label} with id {key}.")
        return found

    def find_by(self, *, conn: sa.Connection | None = None, **where: Any) -> M | None:
        return self.first(where, conn=conn)

    def first(self, where: Where, *, conn: sa.Connection | None = None) -> M | None:
        """The first row matching ``where`` (in created order), or ``None``."""
        rows = self.list(where=where, limit=1, conn=conn)
        return rows[0] if rows else None

    def list(
        self,
        *,
        where: Where | None = None,
        order_by: str | Sequence[str] = "created_at",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
        conn: sa.Connection | None = None,
    ) -> list[M]:
        columns = [order_by] if isinstance(order_by, str) else list(order_by)
        order = [self.table.c[c].desc() if descending else self.table.c[c].asc() for c in columns]
        query = sa.select(self.table).where(*self.clause(where)).order_by(*order, self.pk).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._read(conn) as c:
            return self.from_result(c.execute(query))

    def from_result(self, result: sa.CursorResult[Any]) -> builtins.list[M]:
        """Every row of ``result`` as a model. The column names are read once for the result, not once per row
        (a row's ``_mapping`` builds its key view each time: most of the cost of listing thousands of rows)."""
        keys = list(result.keys())
        validate = self.model.model_validate
        return [validate(dict(zip(keys, row, strict=True))) for row in result]

    def count(self, *, where: Where | None = None, conn: sa.Connection | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(self.table).where(*self.clause(where))
        with self._read(conn) as c:
            return int(c.execute(query).scalar_one())

    def count_by(self, column: str, *, where: Where | None = None, conn: sa.Connection | None = None) -> dict[str, int]:
        col = self.table.c[column]
        query = sa.select(col, sa.func.count()).where(*self.clause(where)).group_by(col)
        with self._read(conn) as c:
            return {str(value): int(n) for value, n in c.execute(query)}

    # -- writes ---------------------------------------------------------------------------------
    def add(self, obj: M, *, conn: sa.Connection | None = None) -> M:
        self.add_many([obj], conn=conn)
        return obj

    def add_many(self, objs: Iterable[M], *, conn: sa.Connection | None = None) -> int:
        rows = [self.to_row(o) for o in objs]
        if not rows:
            return 0
        try:
            with self._conn(conn) as c:
                c.execute(sa.insert(self.table), rows)
        except sa.exc.IntegrityError as err:
            raise ConflictError(f"That {self.label} already exists: {_constraint_hint(err)}.") from err
        return len(rows)

    def update(self, key: str, *, conn: sa.Connection | None = None, **fields: Any) -> M:
        """Change some fields of one row (validated through the model) and return the new row."""
        with self._conn(conn) as c:
            current = self.get(key, conn=c)
            data = current.model_dump() | fields
            if "updated_at" in self.table.c:
                data["updated_at"] = utcnow()
            new = self.model.model_validate(data)
            values = {k: v for k, v in self.to_row(new).items() if k in fields or k == "updated_at"}
            try:
                c.execute(sa.update(self.table).where(self.pk == key, *self.in_scope()).values(**values))
            except sa.exc.IntegrityError as err:
                raise ConflictError(f"That change to the {self.label} conflicts: {_constraint_hint(err)}.") from err
            return new

    def update_where(self, where: Where, *, conn: sa.Connection | None = None, **values: Any) -> int:
        """Set raw column values on every matching row (no model validation). Returns the row count."""
        if "updated_at" in self.table.c:
            values.setdefault("updated_at", utcnow())
        with self._conn(conn) as c:
            return int(c.execute(sa.update(self.table).where(*self.clause(where)).values(**values)).rowcount)

    def delete(self, key: str, *, conn: sa.Connection | None = None) -> None:
        with self._conn(conn) as c:
            c.execute(sa.delete(self.table).where(self.pk == key, *self.in_scope()))


class TableRepository(Generic[M]):
    """A database's repository over one table of ``core.storage.schema.TABLES``, made on first use.

    Declared on ``Database`` (``personas: TableRepository[Persona] = TableRepository("personas", label=...)``);
    the first ``db.personas`` builds the table (importing its model) and the ``Repository``, which is then kept
    on that database object, so later reads are plain attribute reads.
    """

    def __init__(self, table: str, *, label: str) -> None:
        self.table = table
        self.label = label
        self.attribute = table

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = name

    @overload
    def __get__(self, db: None, owner: type) -> TableRepository[M]: ...
    @overload
    def __get__(self, db: Database, owner: type) -> Repository[M]: ...
    def __get__(self, db: Database | None, owner: type) -> TableRepository[M] | Repository[M]:
        if db is None:
            return self
        model = cast("type[M]", schema.model_of(self.table))
        repository = Repository(db, schema.table(self.table), model, label=self.label)
        db.__dict__[self.attribute] = repository
        return repository


def _constraint_hint(err: sa.exc.IntegrityError) -> str:
    text = str(err.orig).splitlines()[0] if err.orig else str(err)
    return text.replace("UNIQUE constraint failed: ", "duplicate ")
