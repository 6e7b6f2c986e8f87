"""The grid's rows and its responses (selection, sort) map to conversation ids and queries."""

from __future__ import annotations

from datetime import UTC, datetime

from core.review.grid import apply_sort, enrichment_badge, grid_records, selected_ids, sort_from_response
from core.review.queries import GridPage, GridQuery, GridRow


def _row(conversation_id: str, **fields: object) -> GridRow:
    values: dict[str, object] = {
        "conversation_id": conversation_id,
        "conversation_name": f"name {conversation_id}",
        "persona_key": None,
        "emotional_arc_key": "fear_to_calm",
        "topic_key": None,
        "tier": "template",
        "turn_count": 4,
        "quality_score": None,
        "enrichment_status": "not_started",
        "review_status": "pending_review",
        "reviewed_by": None,
        "created_at": datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
    }
    return GridRow.model_validate(values | fields)


def test_selected_nodes_map_to_conversation_ids_in_page_order() -> None:
    response = {
        "nodes": [
            {"id": "b", "isSelected": True, "data": {"conversation_id": "b"}},
            {"id": "a", "isSelected": True, "data": {"conversation_id": "a"}},
            {"id": "c", "isSelected": False, "data": {"conversation_id": "c"}},
        ]
    }
    assert selected_ids(response, ["a", "b", "c"]) == ["a", "b"]


def test_grid_state_row_selection_is_read_when_nodes_are_missing() -> None:
    response = {"gridState": {"rowSelection": ["c", "a"]}}
    assert selected_ids(response, ["a", "b", "c"]) == ["a", "c"]


def test_ids_not_on_the_current_page_are_ignored() -> None:
    response = {"gridState": {"rowSelection": ["stale", "b"]}, "nodes": [{"id": "old", "isSelected": True}]}
    assert selected_ids(response, ["a", "b"]) == ["b"]


def test_no_response_or_a_malformed_one_selects_nothing() -> None:
    assert selected_ids(None, ["a"]) == []
    assert selected_ids({"nodes": "x", "gridState": ["y"]}, ["a"]) == []


def test_sort_model_maps_grid_columns_to_database_columns() -> None:
    response = {"gridState": {"sort": {"sortModel": [{"colId": "quality", "sort": "asc"}]}}}
    assert sort_from_response(response) == ("quality_score", False)
    assert sort_from_response({"gridState": {"sort": {"sortModel": [{"colId": "nope", "sort": "asc"}]}}}) is None


def test_a_new_sort_returns_the_query_to_page_one_and_the_same_sort_keeps_the_page() -> None:
    query = GridQuery(page=3)
    asc_name = {"gridState": {"sort": {"sortModel": [{"colId": "name", "sort": "asc"}]}}}
    resorted = apply_sort(query, asc_name)
    assert (resorted.sort_by, resorted.descending, resorted.page) == ("conversation_name", False, 1)
    same = {"gridState": {"sort": {"sortModel": [{"colId": "created", "sort": "desc"}]}}}
    assert apply_sort(query, same).page == 3


def test_grid_records_carry_the_id_and_the_visible_columns() -> None:
    page = GridPage(rows=[_row("x", quality_score=4.6, reviewed_by="Ana")], total=1, page=1, page_size=25)
    record = grid_records(page)[0]
    assert record["conversation_id"] == "x" and record["reviewer"] == "Ana"
    assert record["quality_tier"] == "seed_dataset"
    assert record["created"] == "2025-01-02 03:04"
    assert record["enrichment"] == "Pending"


def test_enrichment_badge_title_cases_all_but_not_started() -> None:
    assert enrichment_badge("normalization_failed") == "Normalization Failed"
    assert enrichment_badge("not_started") == "Pending"


def test_page_says_which_rows_it_shows() -> None:
    page = GridPage(rows=[_row("a"), _row("b")], total=27, page=2, page_size=25)
    assert page.showing() == "Showing 26 to 27 of 27"
    assert page.total_pages == 2
