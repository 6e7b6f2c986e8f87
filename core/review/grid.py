"""Pure mapping between a grid page and the grid component (streamlit-aggrid) — no Streamlit here.

Rows go out as plain records keyed by ``conversation_id`` (the grid's ``getRowId``); what comes back
(the component's response dict: ``nodes``, ``gridState``) maps to conversation ids and a sort order.
Only ids on the page shown are trusted, so a stale response never acts on rows no longer visible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.models.statuses import quality_tier
from core.review.queries import SORT_COLUMNS, GridPage, GridQuery

#: Grid column -> the database column its sort maps to.
GRID_FIELDS: dict[str, str] = {
    "name": "conversation_name",
    "persona": "persona_key",
    "arc": "emotional_arc_key",
    "topic": "topic_key",
    "tier": "tier",
    "turns": "turn_count",
    "quality": "quality_score",
    "enrichment": "enrichment_status",
    "review_status": "review_status",
    "reviewer": "reviewed_by",
    "created": "created_at",
}


def enrichment_badge(status: str) -> str:
    """The earlier table's label: ``not_started`` is "Pending", others Title Cased."""
    return "Pending" if status == "not_started" else status.replace("_", " ").title()


def grid_records(page: GridPage) -> list[dict[str, Any]]:
    """The page as grid rows: the id (hidden, the row id) and the eleven visible columns."""
    return [
        {
            "conversation_id": r.conversation_id,
            "name": r.conversation_name,
            "persona": r.persona_key or "",
            "arc": r.emotional_arc_key or "",
            "topic": r.topic_key or "",
            "tier": r.tier,
            "turns": r.turn_count,
            "quality": r.quality_score,
            "quality_tier": quality_tier(r.quality_score) if r.quality_score is not None else "",
            "enrichment": enrichment_badge(r.enrichment_status),
            "review_status": r.review_status,
            "reviewer": r.reviewed_by or "",
            "created": r.created_at.strftime("%Y-%m-%d %H:%M"),
        }
        for r in page.rows
    ]


def _as_dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def selected_ids(response: Mapping[str, Any] | None, page_ids: Sequence[str]) -> list[str]:
    """Conversation ids selected in the grid, in page order, limited to ``page_ids``.

    Reads the selected nodes first (each carries its row data), then the grid state's ``rowSelection``
    (row ids, which are conversation ids because of ``getRowId``).
    """
    if not response:
        return []
    chosen: set[str] = set()
    for node in response.get("nodes") or []:
        node = _as_dict(node)
        if node.get("isSelected") is True:
            data = _as_dict(node.get("data"))
            chosen.add(str(data.get("conversation_id") or node.get("id")))
    selection = _as_dict(response.get("gridState")).get("rowSelection")
    if isinstance(selection, list):
        chosen.update(str(i) for i in selection)
    return [i for i in page_ids if i in chosen]


def sort_from_response(response: Mapping[str, Any] | None) -> tuple[str, bool] | None:
    """``(database column, descending)`` from the grid's sort model, or ``None`` when it has none."""
    if not response:
        return None
    model = _as_dict(_as_dict(response.get("gridState")).get("sort")).get("sortModel")
    for entry in model if isinstance(model, list) else []:
        entry = _as_dict(entry)
        column = GRID_FIELDS.get(str(entry.get("colId")))
        if column in SORT_COLUMNS and entry.get("sort") in ("asc", "desc"):
            return column, entry["sort"] == "desc"
    return None


def apply_sort(query: GridQuery, response: Mapping[str, Any] | None) -> GridQuery:
    """``query`` re-sorted as the grid asks (back to page 1 when the order changes)."""
    sort = sort_from_response(response)
    if sort is None or sort == (query.sort_by, query.descending):
        return query
    return query.model_copy(update={"sort_by": sort[0], "descending": sort[1], "page": 1})
