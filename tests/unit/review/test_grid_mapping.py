"""The grid's rows show names and plain words; the selection survives pages and sorts; the URL holds the grid."""

from __future__ import annotations

from datetime import UTC, datetime

from core.review.grid import (
    DEFAULT_SECONDARY,
    columns_shown,
    grid_records,
    keep_present,
    merge_selection,
    positions,
    status_colours,
)
from core.review.names import Names
from core.review.queries import GridFilters, GridPage, GridQuery, GridRow
from core.review.urlstate import query_from_params, query_to_params

NAMES = Names(personas={"recently_widowed": "Evelyn Park"}, arcs={"grief_to_healing": "Grieving → Healing"})


def _row(conversation_id: str, **fields: object) -> GridRow:
    values: dict[str, object] = {
        "conversation_id": conversation_id,
        "conversation_name": "Evelyn Park - The Recent Widow",
        "persona_key": "recently_widowed",
        "emotional_arc_key": "grief_to_healing",
        "topic_key": "grandparent_529",
        "tier": "edge_case",
        "turn_count": 4,
        "quality_score": None,
        "enrichment_status": "not_started",
        "review_status": "pending_review",
        "reviewed_by": None,
        "created_at": datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
    }
    return GridRow.model_validate(values | fields)


def test_rows_show_names_and_plain_words_never_keys() -> None:
    page = GridPage(rows=[_row("a", is_truncated=True, quality_score=4.25)], total=1, page=1, page_size=25)
    [record] = grid_records(page, NAMES)
    assert record["Conversation"] == "Evelyn Park · Grieving → Healing"
    assert (record["Status"], record["Enrichment"], record["Flag"]) == (
        "Waiting for review",
        "Not enriched yet",
        "Cut off",
    )
    assert (record["Topic"], record["Kind"], record["Date"]) == ("Grandparent 529", "Edge case", "2 Jan 2025")
    assert "recently_widowed" not in str(record) and "pending_review" not in str(record)
    assert status_colours(page) == ["#b45309"]


def test_a_client_without_scaffolding_is_named_from_the_stored_name() -> None:
    page = GridPage(rows=[_row("a", persona_key="gone", emotional_arc_key=None)], total=1, page=1, page_size=25)
    assert grid_records(page, Names())[0]["Conversation"] == "Evelyn Park"


def test_the_primary_columns_always_show_and_secondary_ones_on_request() -> None:
    assert columns_shown([]) == ["Conversation", "Status", "Quality", "Enrichment", "Date", "Flag"]
    assert columns_shown(["Turns", "Kind", "nonsense"])[-2:] == ["Kind", "Turns"]
    assert "Topic" in columns_shown(DEFAULT_SECONDARY)  # by default: it tells rows of one client and journey apart


def test_the_selection_survives_other_pages_and_maps_to_positions() -> None:
    selected = ["x", "b"]  # "x" is on another page
    assert positions(["a", "b", "c"], selected) == [1]
    assert merge_selection(selected, ["a", "b", "c"], [0, 2]) == ["x", "a", "c"]
    assert keep_present(["x", "a", "c"], {"a", "c"}) == ["a", "c"]


def test_the_grid_query_round_trips_through_the_address() -> None:
    query = GridQuery(
        filters=GridFilters(review_status=["pending_review", "needs_revision"], text="pension fee", quality_min=3.5),
        sort_by="quality_score",
        descending=False,
        page=3,
    )
    params = query_to_params(query)
    assert params == {
        "status": "pending_review,needs_revision",
        "q": "pension fee",
        "qmin": "3.5",
        "sort": "quality_score",
        "desc": "0",
        "page": "3",
    }
    assert query_from_params(params) == query
    assert query_to_params(GridQuery()) == {}


def test_a_broken_address_falls_back_to_defaults_instead_of_failing() -> None:
    query = query_from_params({"status": "nonsense", "sort": "drop table", "page": "x", "size": "9999", "q": "fee"})
    assert query.filters.review_status == [] and query.filters.text == "fee"
    assert (query.sort_by, query.page, query.page_size) == ("created_at", 1, 25)
