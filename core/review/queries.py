"""The review grid's shapes and navigation: filters, sort, one page (``core.models.review_grid``), neighbours.

The queries themselves are the ``ReviewGrid`` port (``core.storage.ports``, SQL in
``core.storage.review_grid_repo``).
"""

from __future__ import annotations

from core.models.review_grid import (
    GRID_COLUMNS,
    MAX_PAGE_SIZE,
    SORT_COLUMNS,
    GridFilters,
    GridPage,
    GridQuery,
    GridRow,
    SortColumn,
)
from core.storage.ports import ReviewGrid


def neighbours(grid: ReviewGrid, query: GridQuery, conversation_id: str) -> tuple[str | None, str | None]:
    """The previous and next conversation around ``conversation_id`` in the filtered, sorted set."""
    ids = grid.ordered_ids(query)
    if conversation_id not in ids:
        return None, None
    at = ids.index(conversation_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


__all__ = [
    "GRID_COLUMNS",
    "MAX_PAGE_SIZE",
    "SORT_COLUMNS",
    "GridFilters",
    "GridPage",
    "GridQuery",
    "GridRow",
    "SortColumn",
    "neighbours",
]
