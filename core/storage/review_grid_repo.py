"""The review grid's queries: the ``ReviewGrid`` port (``core.storage.ports``).

Only the columns the grid shows are selected, so a page stays cheap however large the table grows.
The same SQL runs on SQLite and Postgres: text search uses ``LIKE`` on ``search_text`` (already
lower-cased at ingest), and NULL quality sorts last on both backends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.models.review_grid import GRID_COLUMNS, GridFilters, GridPage, GridQuery, GridRow
from core.models.statuses import Review
from core.storage import schema
from core.storage.database import Database

PENDING = Review.PENDING


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clauses(
    filters: GridFilters, scope: list[sa.ColumnElement[bool]] | None = None
) -> list[sa.ColumnElement[bool]]:
    """The SQL conditions of ``filters`` (active rows only, as every list of the earlier system) inside
    ``scope`` (the bound project's condition)."""
    c = schema.conversations.c
    clauses: list[sa.ColumnElement[bool]] = [*(scope or []), c.is_active.is_(True)]
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


def _after(query: GridQuery, value: Any, conversation_id: str) -> sa.ColumnElement[bool]:
    """The rows after the one whose sort value is ``value`` and id ``conversation_id``, in grid order
    (``_order``: the sort column ascending or descending, NULLs last, then the id)."""
    c = schema.conversations.c
    column, later_id = c[query.sort_by], c.conversation_id > conversation_id
    if value is None:
        return sa.and_(column.is_(None), later_id)
    beyond = column < value if query.descending else column > value
    return sa.or_(beyond, sa.and_(column == value, later_id), column.is_(None))


class ReviewGridRepo:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._scope = db.project_scope(schema.conversations)

    def page(self, query: GridQuery) -> GridPage:
        """One page of the grid and the total count of the filtered set."""
        c = schema.conversations.c
        where = where_clauses(query.filters, self._scope)
        select = (
            sa.select(*(c[name] for name in GRID_COLUMNS))
            .where(*where)
            .order_by(*_order(query))
            .limit(query.page_size)
            .offset((query.page - 1) * query.page_size)
        )
        count = sa.select(sa.func.count()).select_from(schema.conversations).where(*where)
        with self._db.reading() as conn:
            total = int(conn.execute(count).scalar_one())
            rows = [GridRow.model_validate(dict(r._mapping)) for r in conn.execute(select)]
        return GridPage(rows=rows, total=total, page=query.page, page_size=query.page_size)

    def ordered_ids(self, query: GridQuery) -> list[str]:
        """Every id of the filtered set in grid order (one narrow column): previous/next navigation."""
        c = schema.conversations.c
        select = sa.select(c.conversation_id).where(*where_clauses(query.filters, self._scope)).order_by(*_order(query))
        with self._db.reading() as conn:
            return [str(v) for v in conn.execute(select).scalars()]

    def ordered_statuses(self, query: GridQuery, *, pending_around: str | None = None) -> list[tuple[str, str]]:
        """``(id, review status)`` of the filtered set in grid order (two narrow columns): the review queue.

        With ``pending_around``, only the rows waiting for review and that one conversation (where "next
        pending" starts from) are read.
        """
        c = schema.conversations.c
        where = where_clauses(query.filters, self._scope)
        if pending_around is not None:
            where.append(sa.or_(c.review_status == PENDING, c.conversation_id == pending_around))
        select = sa.select(c.conversation_id, c.review_status).where(*where).order_by(*_order(query))
        with self._db.reading() as conn:
            return [(str(i), str(s)) for i, s in conn.execute(select)]

    def next_pending(self, query: GridQuery, current: str | None = None, *, skip: Iterable[str] = ()) -> str | None:
        """The first conversation waiting for review after ``current`` in grid order (from the top when
        ``current`` is ``None`` or not in the filtered set), wrapping around; ``skip`` and ``current`` itself
        are left out. Two or three one-row queries, however many conversations wait."""
        c = schema.conversations.c
        where = where_clauses(query.filters, self._scope)
        left_out = sorted({*skip, *([current] if current else [])})
        waiting = [*where, c.review_status == PENDING]
        if left_out:
            waiting.append(c.conversation_id.not_in(left_out))
        first = sa.select(c.conversation_id).order_by(*_order(query)).limit(1)
        with self._db.reading() as conn:
            if current:
                found = conn.execute(sa.select(c[query.sort_by]).where(*where, c.conversation_id == current)).first()
                if found is not None:
                    after = conn.execute(first.where(*waiting, _after(query, found[0], current))).scalar()
                    if after is not None:
                        return str(after)
            top = conn.execute(first.where(*waiting)).scalar()
        return None if top is None else str(top)

    def day_progress(self, filters: GridFilters, since: datetime, reviewer: str | None = None) -> tuple[int, int]:
        """``(reviewed since `since` (by ``reviewer`` when given), still waiting)`` in the filtered set, whatever
        its status filter says."""
        c = schema.conversations.c
        where = where_clauses(filters.model_copy(update={"review_status": []}), self._scope)
        reviewed = sa.and_(c.reviewed_at >= since, c.review_status != PENDING)
        if reviewer is not None:
            reviewed = sa.and_(reviewed, c.reviewed_by == reviewer)
        select = sa.select(
            sa.func.count().filter(reviewed),
            sa.func.count().filter(c.review_status == PENDING),
        ).where(*where)
        with self._db.reading() as conn:
            done, waiting = conn.execute(select).one()
        return int(done or 0), int(waiting or 0)

    def matching_ids(self, filters: GridFilters, ids: list[str]) -> set[str]:
        """Which of ``ids`` are in the filtered set (a selection keeps only those after an action)."""
        if not ids:
            return set()
        c = schema.conversations.c
        select = sa.select(c.conversation_id).where(*where_clauses(filters, self._scope), c.conversation_id.in_(ids))
        with self._db.reading() as conn:
            return {str(v) for v in conn.execute(select).scalars()}

    def filter_options(self) -> dict[str, list[str]]:
        """The distinct persona, arc and topic keys present, for the filter pickers."""
        c = schema.conversations.c
        found: dict[str, list[str]] = {}
        with self._db.reading() as conn:
            for name in ("persona_key", "emotional_arc_key", "topic_key"):
                select = (
                    sa.select(c[name])
                    .where(*self._scope, c.is_active.is_(True), c[name].is_not(None))
                    .distinct()
                    .order_by(c[name])
                )
                found[name] = [str(v) for v in conn.execute(select).scalars()]
        return found
