"""Connection, filters and the two ports every other builds on: the unit of work and typed rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa

#: One open transaction. Services pass it from port to port (``conn=``) so several writes commit together.
Connection = sa.Connection
#: ``{column: value}`` filters: a value (equality), a list/tuple/set (IN) or ``None`` (IS NULL).
Where = Mapping[str, Any]
M = TypeVar("M")


class Transactions(Protocol):
    """The unit of work: ``with transactions.transaction() as conn:`` and pass ``conn=`` to each port."""

    @property
    def acting_user(self) -> str | None: ...

    def transaction(self) -> AbstractContextManager[Connection]: ...

    def reading(self) -> AbstractContextManager[Connection]: ...


class Rows(Protocol[M]):
    """Typed rows of one table (``core.storage.repository.Repository``), of one project when bound to one."""

    @property
    def project_id(self) -> str | None:
        """The project these rows belong to (``None``: every project, or a table of none)."""
        ...

    def find(self, key: str, *, conn: Connection | None = None) -> M | None: ...

    def get(self, key: str, *, conn: Connection | None = None) -> M: ...

    def find_by(self, *, conn: Connection | None = None, **where: Any) -> M | None: ...

    def first(self, where: Where, *, conn: Connection | None = None) -> M | None: ...

    def list(
        self,
        *,
        where: Where | None = None,
        order_by: str | Sequence[str] = "created_at",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
        conn: Connection | None = None,
    ) -> list[M]: ...

    def count(self, *, where: Where | None = None, conn: Connection | None = None) -> int: ...

    def count_by(
        self, column: str, *, where: Where | None = None, conn: Connection | None = None
    ) -> dict[str, int]: ...

    def add(self, obj: M, *, conn: Connection | None = None) -> M: ...

    def add_many(self, objs: Iterable[M], *, conn: Connection | None = None) -> int: ...

    def update(self, key: str, *, conn: Connection | None = None, **fields: Any) -> M: ...

    def update_where(self, where: Where, *, conn: Connection | None = None, **values: Any) -> int: ...

    def delete(self, key: str, *, conn: Connection | None = None) -> None: ...
