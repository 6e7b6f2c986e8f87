"""Several reviewers side by side, guard rails with confirmation, undo, and the queue, on SQLite and Postgres."""

from __future__ import annotations

import pytest

from core.review.guards import RISKS, ConfirmationNeeded
from core.review.queries import GridFilters, GridQuery
from core.review.service import ReviewService
from tests.support.review_data import add_conversation, add_ready, review_fixture  # noqa: F401 ("review" fixture)

RUBRIC = {"empathy": 4, "clarity": 5, "appropriateness": 4, "expert_voice": 3}


def test_two_reviewers_ratings_of_one_turn_are_kept_side_by_side(review: ReviewService) -> None:
    c = add_conversation(review.store)
    review.rate_turn(c.conversation_id, 2, "bad", "Ana")
    review.rate_turn(c.conversation_id, 2, "good", "Ben")
    review.rate_turn(c.conversation_id, 2, "needs_work", "Ana")  # Ana changes her mind; Ben's stays
    by = review.ratings_by_reviewer(c.conversation_id)
    assert {name: {t: r.rating for t, r in turns.items()} for name, turns in by.items()} == {
        "Ana": {2: "needs_work"},
        "Ben": {2: "good"},
    }
    assert review.turn_ratings(c.conversation_id) == {2: "needs_work"}  # export: the latest of anyone


def test_each_reviewer_keeps_their_own_latest_grade(review: ReviewService) -> None:
    c = add_conversation(review.store)
    review.grade(c.conversation_id, "Ana", overall=2, rubric=RUBRIC)
    review.grade(c.conversation_id, "Ben", overall=5, rubric=RUBRIC)
    review.grade(c.conversation_id, "Ana", overall=3, rubric=RUBRIC)
    grades = review.grades_by_reviewer(c.conversation_id)
    assert {name: g.overall for name, g in grades.items()} == {"Ana": 3, "Ben": 5}
    detail = review.detail(c.conversation_id)
    assert detail.grades_by["Ben"].overall == 5 and detail.ratings_by == {}


def test_agreement_over_the_dataset(review: ReviewService) -> None:
    c = add_conversation(review.store)
    for turn, (ana, ben) in enumerate([("good", "good"), ("bad", "good")], start=1):
        review.rate_turn(c.conversation_id, turn, ana, "Ana")  # type: ignore[arg-type]
        review.rate_turn(c.conversation_id, turn, ben, "Ben")  # type: ignore[arg-type]
    found = review.agreement()
    assert found.shared_turns == 2 and found.share_alike == pytest.approx(0.5)


def test_approving_an_unenriched_conversation_needs_a_recorded_confirmation(review: ReviewService) -> None:
    c = add_conversation(review.store, is_truncated=True)
    with pytest.raises(ConfirmationNeeded) as err:
        review.decide(c.conversation_id, "approve", "Ana")
    assert err.value.risks == ["not_enriched", "not_scored", "truncated"]
    assert review.store.rows.get(c.conversation_id).review_status == "pending_review"
    review.decide(c.conversation_id, "approve", "Ana", confirm=RISKS)
    [entry] = review.history(c.conversation_id)
    assert entry.action == "approved" and entry.details == {
        "confirmed_risks": ["not_enriched", "not_scored", "truncated"]
    }


def test_bulk_approve_refuses_unconfirmed_risky_rows_and_approves_the_rest(review: ReviewService) -> None:
    ready, risky = add_ready(review.store), add_conversation(review.store)
    result = review.bulk([ready.conversation_id, risky.conversation_id], "approve", "Ana")
    assert result.done == [ready.conversation_id]
    assert "needs your confirmation" in result.refused[0].reason


def test_undo_puts_each_conversation_back_and_keeps_the_history(review: ReviewService) -> None:
    a, b = add_ready(review.store), add_ready(review.store)
    review.decide(b.conversation_id, "needs_revision", "Ana")
    review.bulk([a.conversation_id, b.conversation_id], "approve", "Ana")
    result = review.undo([a.conversation_id, b.conversation_id], "Ana")
    assert result.done == [a.conversation_id, b.conversation_id]
    assert review.store.rows.get(a.conversation_id).review_status == "pending_review"
    assert review.store.rows.get(a.conversation_id).reviewed_by is None
    assert review.store.rows.get(b.conversation_id).review_status == "needs_revision"
    assert review.history(a.conversation_id)[0].details == {"undo_of": review.history(a.conversation_id)[1].id}


def test_undo_refuses_a_conversation_moved_again_since(review: ReviewService) -> None:
    a = add_ready(review.store)
    review.decide(a.conversation_id, "approve", "Ana")
    review.decide(a.conversation_id, "archive", "Ben")
    review.undo([a.conversation_id], "Ana")  # undoes the archive, back to approved
    assert review.store.rows.get(a.conversation_id).review_status == "approved"
    fresh = add_ready(review.store)
    assert review.undo([fresh.conversation_id], "Ana").refused[0].reason == "there is no decision to undo"


def test_the_queue_follows_the_grid_order_and_counts_today(review: ReviewService) -> None:
    rows = [add_ready(review.store, name=n) for n in ("Cara", "Abe", "Bea")]
    query = GridQuery(sort_by="conversation_name", descending=False)
    abe, bea, cara = rows[1].conversation_id, rows[2].conversation_id, rows[0].conversation_id
    assert review.next_pending(query) == abe
    review.decide(abe, "approve", "Ana")
    assert review.next_pending(query, abe) == bea
    assert review.step(query, bea, 1) == cara and review.step(query, bea, -1) == abe
    assert review.progress(GridFilters()) == "Reviewed 1 today · 2 waiting"
    assert review.progress(GridFilters(review_status=["pending_review"])) == "Reviewed 1 today · 2 waiting"
    assert review.progress(GridFilters(), "Ana") == "You reviewed 1 today · 2 waiting"
    assert review.progress(GridFilters(), "Ben") == "You reviewed 0 today · 2 waiting"
