"""The ``ReviewGrid`` port (``core.storage.review_grid_repo``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.models.conversation import Conversation
from core.models.review_grid import SORT_COLUMNS, GridFilters, GridQuery
from core.review import queue
from core.storage.database import Database
from core.storage.ports import ReviewGrid
from core.storage.review_grid_repo import ReviewGridRepo

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def grid(db: Database) -> ReviewGrid:
    return ReviewGridRepo(db)


def add(db: Database, name: str, minutes: int, **fields: object) -> str:
    row = Conversation(conversation_name=name, created_at=T0 + timedelta(minutes=minutes), **fields)  # type: ignore[arg-type]
    return db.conversations.add(row).conversation_id


@pytest.fixture
def four(db: Database) -> dict[str, str]:
    """Four active conversations and one deleted one."""
    return {
        "a": add(db, "a", 0, quality_score=4.5, persona_key="maya", search_text="my 401k and the roth ira"),
        "b": add(db, "b", 1, quality_score=None, review_status="approved", persona_key="dev", search_text="rent"),
        "c": add(db, "c", 2, quality_score=2.0, persona_key="maya", search_text="50% off_sale roth"),
        "d": add(db, "d", 3, quality_score=3.0, review_status="rejected", topic_key="debt", search_text="ira"),
        "gone": add(db, "gone", 4, quality_score=5.0, is_active=False, persona_key="zed", search_text="roth ira"),
    }


def names(grid: ReviewGrid, four: dict[str, str], **query: object) -> list[str]:
    by_id = {v: k for k, v in four.items()}
    return [by_id[i] for i in grid.ordered_ids(GridQuery.model_validate(query))]


def test_rows_are_active_only_newest_first_by_default(grid: ReviewGrid, four: dict[str, str]) -> None:
    assert names(grid, four) == ["d", "c", "b", "a"]


def test_a_sort_puts_missing_values_last_either_way(grid: ReviewGrid, four: dict[str, str]) -> None:
    assert names(grid, four, sort_by="quality_score", descending=True) == ["a", "d", "c", "b"]
    assert names(grid, four, sort_by="quality_score", descending=False) == ["c", "d", "a", "b"]


def test_ties_are_broken_by_id_so_pages_never_overlap(db: Database, grid: ReviewGrid) -> None:
    ids = sorted(add(db, "same", 0) for _ in range(5))
    query = GridQuery(sort_by="created_at", page_size=2)
    pages = [grid.page(query.model_copy(update={"page": n})) for n in (1, 2, 3)]
    assert [i for p in pages for i in p.ids] == ids
    assert [p.total for p in pages] == [5, 5, 5]


def test_filters_narrow_by_lists_quality_range_and_every_word(grid: ReviewGrid, four: dict[str, str]) -> None:
    assert names(grid, four, filters={"review_status": ["approved", "rejected"]}) == ["d", "b"]
    assert names(grid, four, filters={"persona_key": ["maya"], "quality_min": 3.0}) == ["a"]
    assert names(grid, four, filters={"quality_min": 2.0, "quality_max": 3.0}) == ["d", "c"]
    assert names(grid, four, filters={"text": "IRA roth"}) == ["a"]
    assert names(grid, four, filters={"text": "ira"}) == ["d", "a"]


def test_like_wildcards_in_the_search_are_plain_characters(grid: ReviewGrid, four: dict[str, str]) -> None:
    assert names(grid, four, filters={"text": "50%"}) == ["c"]
    assert names(grid, four, filters={"text": "f_s"}) == ["c"]
    assert names(grid, four, filters={"text": "%"}) == ["c"]
    assert names(grid, four, filters={"text": "k_a"}) == []


def test_a_page_has_the_grid_columns_and_the_filtered_total(grid: ReviewGrid, four: dict[str, str]) -> None:
    page = grid.page(GridQuery(filters=GridFilters(persona_key=["maya"]), page_size=1, page=2))
    assert page.total == 2 and page.ids == [four["a"]]
    assert page.rows[0].quality_score == 4.5 and page.rows[0].review_status == "pending_review"


def test_the_queue_reads_pending_rows_and_the_current_one(grid: ReviewGrid, four: dict[str, str]) -> None:
    statuses = grid.ordered_statuses(GridQuery(), pending_around=four["b"])
    assert statuses == [(four["c"], "pending_review"), (four["b"], "approved"), (four["a"], "pending_review")]
    assert len(grid.ordered_statuses(GridQuery())) == 4


def test_day_progress_counts_reviews_since_a_time_whatever_the_status_filter(db: Database, grid: ReviewGrid) -> None:
    add(db, "today", 0, review_status="approved", reviewed_at=T0 + timedelta(hours=2))
    add(db, "yesterday", 1, review_status="rejected", reviewed_at=T0 - timedelta(hours=2))
    add(db, "waiting", 2)
    add(db, "deleted", 3, is_active=False)
    filters = GridFilters(review_status=["approved"])
    assert grid.day_progress(filters, T0) == (1, 1)
    assert grid.day_progress(GridFilters(), T0 - timedelta(days=1)) == (2, 1)


def test_matching_ids_keeps_those_still_in_the_filtered_set(grid: ReviewGrid, four: dict[str, str]) -> None:
    asked = [four["a"], four["b"], four["gone"], "nope"]
    assert grid.matching_ids(GridFilters(review_status=["pending_review"]), asked) == {four["a"]}
    assert grid.matching_ids(GridFilters(), []) == set()


def test_filter_options_are_the_distinct_keys_of_active_rows_sorted(grid: ReviewGrid, four: dict[str, str]) -> None:
    options = grid.filter_options()
    assert options["persona_key"] == ["dev", "maya"]
    assert options["topic_key"] == ["debt"]
    assert options["emotional_arc_key"] == []


def test_next_pending_agrees_with_the_queue_in_every_order_with_ties_nulls_and_wrapping(db: Database) -> None:
    """The keyset query (a row or two per step) finds what walking the whole ordered queue finds: after every
    conversation (pending or not, in the set or not), in every sort column both ways, skipping the one decided."""
    grid = ReviewGridRepo(db)
    pending, done = "pending_review", "approved"
    ids = [
        add(db, "Ana", 0, quality_score=3.0, persona_key="maya", review_status=pending),
        add(db, "Ana", 0, quality_score=3.0, persona_key="maya", review_status=pending),  # a full tie
        add(db, "Ben", 1, quality_score=None, persona_key=None, review_status=done),
        add(db, "Cy", 2, quality_score=None, persona_key="dev", review_status=pending),
        add(db, "Di", 3, quality_score=4.5, topic_key="debt", review_status=pending),
        add(db, "Ed", 4, quality_score=1.0, review_status=done),
        add(db, "Fay", 5, quality_score=4.5, review_status=pending, is_active=False),
    ]
    for sort_by in SORT_COLUMNS:
        for descending in (True, False):
            query = GridQuery(sort_by=sort_by, descending=descending)  # type: ignore[arg-type]
            for n, current in enumerate([None, "not-there", *ids]):
                ordered = grid.ordered_statuses(query, pending_around=current or "")
                skip = ([], ids[:1], ids[3:5])[n % 3]
                expected = queue.next_pending(ordered, current, skip=set(skip))
                assert grid.next_pending(query, current, skip=skip) == expected, (sort_by, descending, current, skip)
    only_ana = GridQuery(filters=GridFilters(persona_key=["maya"]))
    assert grid.next_pending(only_ana, ids[0]) == ids[1] and grid.next_pending(only_ana, ids[1]) == ids[0]
    assert grid.next_pending(only_ana, ids[0], skip=[ids[1]]) is None
