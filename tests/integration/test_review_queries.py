"""The grid query (filters, sort, pages, counts), navigation and failed generations, on SQLite and Postgres."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from core.bootstrap import Services
from core.models.logs import FailedGeneration
from core.review.failures import FailureFilters, failure_report
from core.review.queries import GridFilters, GridQuery, neighbours
from core.review.service import ReviewService
from core.storage.database import Database
from core.storage.failures_repo import FailuresRepo
from tests.support.review_data import add_conversation, review_fixture  # noqa: F401 (the "review" fixture)

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def _seed(review: ReviewService) -> list[str]:
    """Five conversations, newest last: varied status, tier, keys and quality."""
    specs = [
        {"persona_key": "anxious_planner", "tier": "template", "quality_score": 4.7, "topic_key": "budget"},
        {
            "persona_key": "anxious_planner",
            "tier": "scenario",
            "quality_score": 3.1,
            "emotional_arc_key": "fear_to_calm",
        },
        {"persona_key": "busy_parent", "tier": "edge_case", "quality_score": None, "review_status": "approved"},
        {"persona_key": "busy_parent", "tier": "template", "quality_score": 2.0, "enrichment_status": "completed"},
        {"persona_key": "retiree", "tier": "template", "quality_score": 3.9, "is_active": False},
    ]
    ids = []
    for n, spec in enumerate(specs):
        c = add_conversation(
            review.store, f"Turn about mortgage {n}", "Reply", created_at=T0 + timedelta(hours=n), **spec
        )
        ids.append(c.conversation_id)
    return ids


def _ids(review: ReviewService, **query: object) -> list[str]:
    return review.grid.page(GridQuery.model_validate(query)).ids


def test_first_page_is_active_rows_newest_first_with_the_total(review: ReviewService) -> None:
    ids = _seed(review)
    page = review.grid.page(GridQuery(page_size=2))
    assert page.ids == [ids[3], ids[2]] and page.total == 4 and page.total_pages == 2
    assert review.grid.page(GridQuery(page_size=2, page=2)).ids == [ids[1], ids[0]]


def test_each_filter_narrows_the_set(review: ReviewService) -> None:
    ids = _seed(review)
    assert _ids(review, filters={"review_status": ["approved"]}) == [ids[2]]
    assert _ids(review, filters={"tier": ["template"]}) == [ids[3], ids[0]]
    assert _ids(review, filters={"enrichment_status": ["completed"]}) == [ids[3]]
    assert _ids(review, filters={"persona_key": ["anxious_planner"]}) == [ids[1], ids[0]]
    assert _ids(review, filters={"emotional_arc_key": ["fear_to_calm"]}) == [ids[1]]
    assert _ids(review, filters={"topic_key": ["budget"]}) == [ids[0]]


def test_quality_range_excludes_unscored_rows(review: ReviewService) -> None:
    ids = _seed(review)
    assert _ids(review, filters={"quality_min": 3.0, "quality_max": 4.0}) == [ids[1]]
    assert set(_ids(review, filters={"quality_min": 1.0})) == {ids[0], ids[1], ids[3]}


def test_text_search_matches_every_word_case_insensitively_and_literally(review: ReviewService) -> None:
    ids = _seed(review)
    assert _ids(review, filters={"text": "MORTGAGE 1"}) == [ids[1]]
    assert _ids(review, filters={"text": "mortgage_%"}) == []


def test_sorting_by_quality_puts_unscored_rows_last_both_ways(review: ReviewService) -> None:
    ids = _seed(review)
    assert _ids(review, sort_by="quality_score", descending=False) == [ids[3], ids[1], ids[0], ids[2]]
    assert _ids(review, sort_by="quality_score", descending=True) == [ids[0], ids[1], ids[3], ids[2]]


def test_neighbours_follow_the_filtered_sorted_order(review: ReviewService) -> None:
    ids = _seed(review)
    query = GridQuery(filters=GridFilters(tier=["template"]))
    assert neighbours(review.grid, query, ids[3]) == (None, ids[0])
    assert neighbours(review.grid, query, ids[0]) == (ids[3], None)
    assert neighbours(review.grid, query, ids[1]) == (None, None)


def test_filter_options_list_the_keys_of_active_rows(review: ReviewService) -> None:
    _seed(review)
    options = review.grid.filter_options()
    assert options["persona_key"] == ["anxious_planner", "busy_parent"]
    assert options["emotional_arc_key"] == ["fear_to_calm"]


def test_the_review_indexes_exist_after_migration(db: Database) -> None:
    names = {i["name"] for i in sa.inspect(db.engine).get_indexes("conversations")}
    assert {"ix_conversations_active_created", "ix_conversations_active_review_created"} <= names


def _failure(db: Database, **fields: object) -> FailedGeneration:
    return db.failures.add(FailedGeneration.model_validate({"prompt": "p", "model": "m", **fields}))


def test_failed_generations_filter_by_type_stop_reason_pattern_and_job(db: Database) -> None:
    a = _failure(db, failure_type="truncation", stop_reason="max_tokens", truncation_pattern="mid_word", job_id="j1")
    b = _failure(db, failure_type="parse_error", stop_reason="end_turn", job_id="j2")
    assert [r.id for r in FailuresRepo(db).page(FailureFilters(failure_type=["truncation"])).rows] == [a.id]
    assert [r.id for r in FailuresRepo(db).page(FailureFilters(stop_reason=["end_turn"])).rows] == [b.id]
    assert FailuresRepo(db).page(FailureFilters(truncation_pattern=["mid_word"], job_id=["j2"])).total == 0
    assert FailuresRepo(db).filter_options()["job_id"] == ["j1", "j2"]


def test_failure_report_is_the_stored_file_or_the_row_as_json(review: ReviewService, db: Database) -> None:
    kept = _failure(db, id="x", raw_file_path="2025/03/failed-x-2025.json")  # report paths name their failure
    review.store.blobs.put("failed-generation-files", "2025/03/failed-x-2025.json", b'{"kept": true}')
    assert failure_report(FailuresRepo(db), review.store.blobs, kept.id) == (
        "failed-x-2025.json",
        b'{"kept": true}',
    )
    bare = _failure(db, error_message="boom")
    name, data = failure_report(FailuresRepo(db), review.store.blobs, bare.id)
    assert name == f"failed-{bare.id}.json" and b'"boom"' in data


def test_the_failures_service_serves_the_failed_generations_page(services: Services) -> None:
    failure = FailedGeneration(
        failure_type="truncation", error_message="cut off", model="m", max_tokens=10, stop_reason="max_tokens"
    )
    services.db.failures.add(failure)
    assert services.failures.count() == 1
    assert services.failures.filter_options()["stop_reason"] == ["max_tokens"]
    assert [r.id for r in services.failures.page(FailureFilters()).rows] == [failure.id]
    assert services.failures.get(failure.id).error_message == "cut off"
    assert services.failures.report(failure.id)[0] == f"failed-{failure.id}.json"
