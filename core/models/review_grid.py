"""The review grid's shapes: what narrows and sorts it (``GridFilters``, ``GridQuery``) and one page of it.

The grid's queries live behind the ``ReviewGrid`` port (``core.storage.ports``); these models are what it takes
and returns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from core.models.base import Tier
from core.models.statuses import EnrichmentStatus, ReviewStatus

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
