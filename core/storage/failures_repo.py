"""Failed generations as the Failed generations page reads them, and each one recorded: the ``FailureLog`` and
``FailureWriter`` ports (``core.storage.ports``)."""

from __future__ import annotations

import sqlalchemy as sa

from core.models.failures import FILTER_COLUMNS, FailureFilters, FailurePage, FailureRow
from core.models.logs import FailedGeneration
from core.storage import schema
from core.storage.database import Database


def _where(filters: FailureFilters) -> list[sa.ColumnElement[bool]]:
    c = schema.failed_generations.c
    return [c[name].in_(values) for name in FILTER_COLUMNS if (values := getattr(filters, name))]


class FailuresRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, failure: FailedGeneration) -> FailedGeneration:
        recorded: FailedGeneration = self._db.failures.add(failure)
        return recorded

    def count(self) -> int:
        return self._db.failures.count()

    def get(self, failure_id: str) -> FailedGeneration:
        failure: FailedGeneration = self._db.failures.get(failure_id)
        return failure

    def page(self, filters: FailureFilters, *, page: int = 1, page_size: int = 25) -> FailurePage:
        """Newest failures first, ``page_size`` at a time."""
        c = schema.failed_generations.c
        where = [*self._db.project_scope(schema.failed_generations), *_where(filters)]
        select = (
            sa.select(*(c[name] for name in FailureRow.model_fields))
            .where(*where)
            .order_by(c.created_at.desc(), c.id)
            .limit(page_size)
            .offset((max(page, 1) - 1) * page_size)
        )
        count = sa.select(sa.func.count()).select_from(schema.failed_generations).where(*where)
        with self._db.reading() as conn:
            total = int(conn.execute(count).scalar_one())
            rows = [FailureRow.model_validate(dict(r._mapping)) for r in conn.execute(select)]
        return FailurePage(rows=rows, total=total, page=page, page_size=page_size)

    def filter_options(self) -> dict[str, list[str]]:
        """The distinct values present for each filter column."""
        c = schema.failed_generations.c
        found: dict[str, list[str]] = {}
        with self._db.reading() as conn:
            for name in FILTER_COLUMNS:
                present = [c[name].is_not(None), *self._db.project_scope(schema.failed_generations)]
                select = sa.select(c[name]).where(*present).distinct().order_by(c[name])
                found[name] = [str(v) for v in conn.execute(select).scalars()]
        return found
