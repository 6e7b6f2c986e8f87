"""The review grid's query: one page of conversations, filtered and sorted in the database.

Only the columns the grid shows are selected, so a page stays cheap however large the table grows.
The same SQL runs on SQLite and Postgres: text search uses ``LIKE`` on ``search_text`` (already
lower-cased at ingest), and NULL quality sorts last on both backends.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, Field

from core.models.scaffolding import Tier
from core.models.statuses import EnrichmentStatus, ReviewStatus
from core.storage import schema
from core.storage.database import Database

SortColumn = Literal[
    "created_at",
    "conversation_name",
    "persona_key",
    "emotional_arc_key",
    "topic_key",
    "tier",
    "turn_count",
    "quality_score",
    "enrichment_status",
    "review_status",
    "reviewed_by",
]
SORT_COLUMNS: tuple[str, ...] = SortColumn.__args__  # type: ignore[attr-defined]
GRID_COLUMNS = ("conversation_id", *SORT_COLUMNS, "is_truncated", "reviewed_at")
MAX_PAGE_SIZE = 200


class GridFilters(BaseModel):
    """What narrows the grid. Empty lists and ``None`` mean "any"."""

    review_status: list[ReviewStatus] = Field(default_factory=list)
    tier: list[Tier] = Field(default_factory=list)
    enrichment_status: list[EnrichmentStatus] = Field(default_factory=list)
    persona_key: list[str] = Field(default_factory=list)
    emotional_arc_key: list[str] = Field(default_factory=list)
    topic_key: list[str] = Field(default_factory=list)
    quality_min: float | None = Field(default=None, ge=1.0, le=5.0)
    quality_max: float | None = Field(default=None, ge=1.0, le=5.0)
    text: str = ""


class GridQuery(BaseModel):
    filters: GridFilters = Field(default_factory=GridFilters)
    sort_by: SortColumn = "created_at"
    descending: bool = True
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=25, ge=1, le=MAX_PAGE_SIZE)


class GridRow(BaseModel):
    conversation_id: str
    conversation_name: str
    persona_key: str | None
    emotional_arc_key: str | None
    topic_key: str | None
    tier: str
    turn_count: int
    quality_score: float | None
    enrichment_status: str
    review_status: str
    reviewed_by: str | None
    created_at: datetime
    is_truncated: bool = False
    reviewed_at: datetime | None = None


class GridPage(BaseModel):
    rows: list[GridRow]
    total: int
    page: int
    page_size: int

    @property
    def total_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def ids(self) -> list[str]:
        return [r.conversation_id for r in self.rows]

    def showing(self) -> str:
        """``Showing X to Y of Z`` as the earlier table said it."""
        if not self.rows:
            return f"Showing 0 of {self.total}"
        first = (self.page - 1) * self.page_size + 1
        return f"Showing {first} to {first + len(self.rows) - 1} of {self.total}"


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clauses(filters: GridFilters) -> list[sa.ColumnElement[bool]]:
    """The SQL conditions of ``filters`` (active rows only, as every list of the earlier system)."""
    c = schema.conversations.c
    clauses: list[sa.ColumnElement[bool]] = [c.is_active.is_(True)]
    for name in ("review_status", "tier", "enrichment_status", "persona_key", "emotional_arc_key", "topic_key"):
        values = getattr(filters, name)
        if values:
            clauses.append(c[name].in_(list(values)))
    if filters.quality_min is not None:
        clauses.append(c.quality_score >= filters.quality_min)
    if filters.quality_max is not None:
        clauses.append(c.quality_score <= filters.quality_max)
    # Every word must appear somewhere in the turns' text, in any order.
    for word in filters.text.lower().split():
        clauses.append(c.search_text.like(f"%{_escape_like(word)}%", escape="\\"))
    return clauses


def _order(query: GridQuery) -> list[sa.ColumnElement[Any]]:
    column = schema.conversations.c[query.sort_by]
    ordered = column.desc() if query.descending else column.asc()
    # conversation_id breaks ties so pages never overlap or skip rows.
    return [ordered.nulls_last(), schema.conversations.c.conversation_id.asc()]


def grid_page(db: Database, query: GridQuery, *, conn: sa.Connection | None = None) -> GridPage:
    """One page of the grid and the total count of the filtered set."""
    c = schema.conversations.c
    where = where_clauses(query.filters)
    select = (
        sa.select(*(c[name] for name in GRID_COLUMNS))
        .where(*where)
        .order_by(*_order(query))
        .limit(query.page_size)
        .offset((query.page - 1) * query.page_size)
    )
    count = sa.select(sa.func.count()).select_from(schema.conversations).where(*where)
    if conn is None:
        with db.transaction() as fresh:
            return grid_page(db, query, conn=fresh)
    total = int(conn.execute(count).scalar_one())
    rows = [GridRow.model_validate(dict(r._mapping)) for r in conn.execute(select)]
    return GridPage(rows=rows, total=total, page=query.page, page_size=query.page_size)


def ordered_ids(db: Database, query: GridQuery) -> list[str]:
    """Every id of the filtered set in grid order (one narrow column): previous/next navigation."""
    c = schema.conversations.c
    select = sa.select(c.conversation_id).where(*where_clauses(query.filters)).order_by(*_order(query))
    with db.transaction() as conn:
        return [str(v) for v in conn.execute(select).scalars()]


def ordered_statuses(db: Database, query: GridQuery, *, pending_around: str | None = None) -> list[tuple[str, str]]:
    """``(id, review status)`` of the filtered set in grid order (two narrow columns): the review queue.

    With ``pending_around``, only the rows waiting for review and that one conversation (where "next
    pending" starts from) are read.
    """
    c = schema.conversations.c
    where = where_clauses(query.filters)
    if pending_around is not None:
        where.append(sa.or_(c.review_status == "pending_review", c.conversation_id == pending_around))
    select = sa.select(c.conversation_id, c.review_status).where(*where).order_by(*_order(query))
    with db.transaction() as conn:
        return [(str(i), str(s)) for i, s in conn.execute(select)]


def day_progress(db: Database, filters: GridFilters, since: datetime) -> tuple[int, int]:
    """``(reviewed since `since`, still waiting)`` in the filtered set, whatever its status filter says."""
    c = schema.conversations.c
    where = where_clauses(filters.model_copy(update={"review_status": []}))
    reviewed = sa.and_(c.reviewed_at >= since, c.review_status != "pending_review")
    select = sa.select(
        sa.func.count().filter(reviewed),
        sa.func.count().filter(c.review_status == "pending_review"),
    ).where(*where)
    with db.transaction() as conn:
        done, waiting = conn.execute(select).one()
    return int(done or 0), int(waiting or 0)


def matching_ids(db: Database, filters: GridFilters, ids: list[str]) -> set[str]:
    """Which of ``ids`` are in the filtered set (a selection keeps only those after an action)."""
    if not ids:
        return set()
    c = schema.conversations.c
    select = sa.select(c.conversation_id).where(*where_clauses(filters), c.conversation_id.in_(ids))
    with db.transaction() as conn:
        return {str(v) for v in conn.execute(select).scalars()}


def neighbours(db: Database, query: GridQuery, conversation_id: str) -> tuple[str | None, str | None]:
    """The previous and next conversation around ``conversation_id`` in the filtered, sorted set."""
    ids = ordered_ids(db, query)
    if conversation_id not in ids:
        return None, None
    at = ids.index(conversation_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def filter_options(db: Database) -> dict[str, list[str]]:
    """The distinct persona, arc and topic keys present, for the filter pickers."""
    c = schema.conversations.c
    found: dict[str, list[str]] = {}
    with db.transaction() as conn:
        for name in ("persona_key", "emotional_arc_key", "topic_key"):
            select = sa.select(c[name]).where(c.is_active.is_(True), c[name].is_not(None)).distinct().order_by(c[name])
            found[name] = [str(v) for v in conn.execute(select).scalars()]
    return found
