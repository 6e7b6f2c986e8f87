"""Per-turn ratings, rubric grades, turn edits (revisions) and the hand-offs, on SQLite and Postgres."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from core.bootstrap import review_service
from core.conversations.store import Provenance
from core.errors import ConfigError, ConflictError, ValidationError
from core.review.service import ReviewService
from core.storage.blobs import CONVERSATION_FILES
from core.storage.database import Database
from tests.support.review_data import add_conversation, review_fixture  # noqa: F401 (the "review" fixture)


def test_rating_a_turn_twice_keeps_the_latest_and_both_history_lines(review: ReviewService) -> None:
    c = add_conversation(review.store)
    review.rate_turn(c.conversation_id, 2, "bad", "Ana", note="cold")
    review.rate_turn(c.conversation_id, 2, "good", "Ben")
    review.rate_turn(c.conversation_id, 1, "needs_work", "Ana")
    assert review.turn_ratings(c.conversation_id) == {1: "needs_work", 2: "good"}
    assert [h.action for h in review.history(c.conversation_id)].count("turn_rated") == 3


def test_rating_a_turn_that_does_not_exist_is_refused(review: ReviewService) -> None:
    c = add_conversation(review.store)
    with pytest.raises(ValidationError, match="has 2 turns"):
        review.rate_turn(c.conversation_id, 7, "good", "Ana")


def test_grade_stores_overall_and_rubric_and_the_latest_wins(review: ReviewService) -> None:
    c = add_conversation(review.store)
    rubric = {"empathy": 4, "clarity": 5, "appropriateness": 4, "expert_voice": 3}
    review.grade(c.conversation_id, "Ana", overall=3, rubric=rubric)
    review.grade(c.conversation_id, "Ben", overall=4, rubric=rubric | {"expert_voice": 5}, comment="better")
    latest = review.latest_grade(c.conversation_id)
    assert latest is not None and (latest.overall, latest.expert_voice, latest.graded_by) == (4, 5, "Ben")
    assert review.history(c.conversation_id)[0].details == {"overall": 4, **rubric, "expert_voice": 5}


def test_a_grade_out_of_range_is_refused(review: ReviewService) -> None:
    c = add_conversation(review.store)
    with pytest.raises(ValidationError, match="not valid"):
        review.grade(
            c.conversation_id,
            "Ana",
            overall=6,
            rubric={"empathy": 1, "clarity": 1, "appropriateness": 1, "expert_voice": 1},
        )


def test_editing_a_turn_keeps_the_original_and_the_raw_reply(review: ReviewService) -> None:
    c = add_conversation(
        review.store, "My budget is a mess.", "Let us start with the rent.", enrichment_status="completed"
    )
    result = review.edit_turn(c.conversation_id, 2, "Let us begin with your fixed costs.", "Ana")
    assert result.revision.original_content == "Let us start with the rent."
    row = review.store.rows.get(c.conversation_id)
    parsed = review.store.read_json(row.file_path) or {}
    assert parsed["turns"][1]["content"] == "Let us begin with your fixed costs."
    assert row.row_version == c.row_version + 1 and row.file_path != c.file_path  # each version its own file
    raw = json.loads(review.store.blobs.get(CONVERSATION_FILES, c.raw_response_path or ""))
    assert raw["turns"][1]["content"] == "Let us start with the rent."
    assert [r.edited_by for r in review.revisions(c.conversation_id)] == ["Ana"]


def test_editing_a_turn_updates_search_text_and_resets_enrichment(review: ReviewService) -> None:
    c = add_conversation(review.store, "My budget is a mess.", "Start with rent.", enrichment_status="completed")
    result = review.edit_turn(c.conversation_id, 2, "Start with groceries.", "Ana")
    row = review.store.rows.get(c.conversation_id)
    assert "groceries" in row.search_text and "rent" not in row.search_text
    assert row.enrichment_status == "not_started"
    assert not result.re_enriched and "no enrichment connected" in result.message


def test_editing_a_turn_re_enriches_when_enrichment_exists(review: ReviewService, db: Database) -> None:
    c = add_conversation(review.store)
    asked: list[list[str]] = []
    done = SimpleNamespace(text=lambda: "1 succeeded")
    enricher = SimpleNamespace(run_many=lambda ids: asked.append(ids) or done)
    review = review_service(db, review.store.blobs, store=review.store, enricher=lambda: enricher)
    result = review.edit_turn(c.conversation_id, 1, "A new first line.", "Ana")
    assert result.re_enriched and asked == [[c.conversation_id]]


def test_an_empty_or_unchanged_edit_is_refused(review: ReviewService) -> None:
    c = add_conversation(review.store, "Same words.", "Reply.")
    with pytest.raises(ValidationError, match="cannot be empty"):
        review.edit_turn(c.conversation_id, 1, "  ", "Ana")
    with pytest.raises(ValidationError, match="already says"):
        review.edit_turn(c.conversation_id, 1, "Same words.", "Ana")
    assert review.revisions(c.conversation_id) == []


def test_a_conversation_without_parsed_turns_cannot_be_edited(review: ReviewService) -> None:
    c = review.store.ingest("{not json at all", Provenance())
    with pytest.raises(ConflictError, match="no parsed turns"):
        review.edit_turn(c.conversation_id, 1, "text", "Ana")


def test_bulk_enrich_and_training_file_say_when_the_feature_is_missing(review: ReviewService) -> None:
    c = add_conversation(review.store)
    with pytest.raises(ConfigError):
        review.enrich([c.conversation_id], "Ana")
    with pytest.raises(ConfigError):
        review.add_to_training_file([c.conversation_id], "Ana", file_name="Q3")
    assert review.history(c.conversation_id) == []


def test_add_to_training_file_records_who_added_it(review: ReviewService, db: Database) -> None:
    c = add_conversation(review.store)
    change = SimpleNamespace(summary=lambda: "added 1")
    files = SimpleNamespace(add_or_create=lambda *a, **k: change)
    review = review_service(db, review.store.blobs, store=review.store, training_files=lambda: files)
    assert review.add_to_training_file([c.conversation_id], "Ana", file_name="Q3") == "added 1"
    [entry] = review.history(c.conversation_id)
    assert (entry.action, entry.performed_by, entry.details) == ("added_to_training_file", "Ana", {"file_name": "Q3"})


def test_downloads_give_the_raw_reply_and_refuse_a_missing_enriched_file(review: ReviewService) -> None:
    c = add_conversation(review.store)
    name, data = review.download(c.conversation_id, "raw")
    assert name == f"{c.conversation_id}.json" and json.loads(data)["turns"]
    with pytest.raises(ConflictError, match="no enriched JSON"):
        review.download(c.conversation_id, "enriched")
