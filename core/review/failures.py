"""Failed generations: a filtered, paged list, the filter choices, and each failure's report JSON."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel, Field

from core.errors import NotFoundError
from core.jsonutil import dumps_pretty
from core.models.logs import FailedGeneration, FailureType
from core.storage import schema
from core.storage.blobs import FAILED_GENERATION_FILES, BlobStore, owned_failure_report_path
from core.storage.database import Database

FILTER_COLUMNS = ("failure_type", "stop_reason", "truncation_pattern", "job_id")


class FailureFilters(BaseModel):
    failure_type: list[FailureType] = Field(default_factory=list)
    stop_reason: list[str] = Field(default_factory=list)
    truncation_pattern: list[str] = Field(default_factory=list)
    job_id: list[str] = Field(default_factory=list)


class FailureRow(BaseModel):
    id: str
    created_at: datetime
    failure_type: str
    stop_reason: str | None
    truncation_pattern: str | None
    job_id: str | None
    model: str
    output_tokens: int
    error_message: str | None


class FailurePage(BaseModel):
    rows: list[FailureRow]
    total: int
    page: int
    page_size: int


def _where(filters: FailureFilters) -> list[sa.ColumnElement[bool]]:
    c = schema.failed_generations.c
    return [c[name].in_(values) for name in FILTER_COLUMNS if (values := getattr(filters, name))]


def failure_page(db: Database, filters: FailureFilters, *, page: int = 1, page_size: int = 25) -> FailurePage:
    """Newest failures first, ``page_size`` at a time."""
    c = schema.failed_generations.c
    where = _where(filters)
    columns = [c[name] for name in FailureRow.model_fields]
    select = (
        sa.select(*columns)
        .where(*where)
        .order_by(c.created_at.desc(), c.id)
        .limit(page_size)
        .offset((max(page, 1) - 1) * page_size)
    )
    with db.transaction() as conn:
        total = int(
            conn.execute(sa.select(sa.func.count()).select_from(schema.failed_generations).where(*where)).scalar_one()
        )
        rows = [FailureRow.model_validate(dict(r._mapping)) for r in conn.execute(select)]
    return FailurePage(rows=rows, total=total, page=page, page_size=page_size)


def failure_filter_options(db: Database) -> dict[str, list[str]]:
    """The distinct values present for each filter column."""
    c = schema.failed_generations.c
    found: dict[str, list[str]] = {}
    with db.transaction() as conn:
        for name in FILTER_COLUMNS:
            select = sa.select(c[name]).where(c[name].is_not(None)).distinct().order_by(c[name])
            found[name] = [str(v) for v in conn.execute(select).scalars()]
    return found


def failure_report(db: Database, blobs: BlobStore, failure_id: str) -> tuple[str, bytes]:
    """``(file name, bytes)`` of the stored error report; the row itself as JSON when no file was kept."""
    failure: FailedGeneration = db.failures.get(failure_id)
    if failure.raw_file_path:
        try:
            data = blobs.get(FAILED_GENERATION_FILES, owned_failure_report_path(failure.id, failure.raw_file_path))
            return failure.raw_file_path.rsplit("/", 1)[-1], data
        except NotFoundError:
            pass  # the row still holds everything the report had
    return f"failed-{failure.id}.json", dumps_pretty(failure.model_dump(mode="json"))


class FailuresService:
    """What the Failed generations page needs: counts, filter choices, a page of rows, one failure, its report."""

    def __init__(self, db: Database, blobs: BlobStore) -> None:
        self._db = db
        self._blobs = blobs

    def count(self) -> int:
        return self._db.failures.count()

    def filter_options(self) -> dict[str, list[str]]:
        return failure_filter_options(self._db)

    def page(self, filters: FailureFilters, *, page: int = 1, page_size: int = 25) -> FailurePage:
        return failure_page(self._db, filters, page=page, page_size=page_size)

    def get(self, failure_id: str) -> FailedGeneration:
        failure: FailedGeneration = self._db.failures.get(failure_id)
        return failure

    def report(self, failure_id: str) -> tuple[str, bytes]:
        return failure_report(self._db, self._blobs, failure_id)
