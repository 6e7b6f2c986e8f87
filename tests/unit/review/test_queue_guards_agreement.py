"""Pure review logic: the queue's order, approval guard rails, and agreement between reviewers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.models.conversation import Conversation
from core.models.review import TurnRating
from core.review.agreement import agreement, cohen_kappa
from core.review.guards import ConfirmationNeeded, approval_risks, check_approval, describe
from core.review.queue import next_pending, position, progress_text, start_of_day, step

ORDER = [("a", "approved"), ("b", "pending_review"), ("c", "rejected"), ("d", "pending_review")]


def test_next_pending_walks_forward_in_grid_order_skipping_decided_ones() -> None:
    assert next_pending(ORDER) == "b"
    assert next_pending(ORDER, "b") == "d"
    assert next_pending(ORDER, "c") == "d"


def test_next_pending_wraps_around_once_and_ends_when_nothing_waits() -> None:
    assert next_pending(ORDER, "d") == "b"
    assert next_pending(ORDER, "d", skip={"b"}) is None
    assert next_pending([("a", "approved")]) is None


def test_step_moves_through_every_status_and_stops_at_the_ends() -> None:
    assert step(ORDER, "b", 1) == "c" and step(ORDER, "b", -1) == "a"
    assert step(ORDER, "a", -1) is None and step(ORDER, "d", 1) is None and step(ORDER, "zz", 1) is None
    assert position(ORDER, "c") == 3


def test_progress_counts_todays_reviews_out_of_reviews_plus_waiting() -> None:
    assert progress_text(12, 188) == "Reviewed 12 today · 188 waiting"
    assert progress_text(0, 13, mine=True) == "You reviewed 0 today · 13 waiting"
    assert start_of_day(datetime(2026, 3, 4, 17, 30, tzinfo=UTC)) == datetime(2026, 3, 4, tzinfo=UTC)


def _row(**fields: object) -> Conversation:
    return Conversation.model_validate({"enrichment_status": "completed", "quality_score": 4.0} | fields)


def test_an_enriched_scored_whole_conversation_has_no_approval_risk() -> None:
    assert approval_risks(_row()) == []
    assert check_approval(_row(), [], name="'A'") == []


@pytest.mark.parametrize(
    ("fields", "risks"),
    [
        ({"enrichment_status": "not_started"}, ["not_enriched"]),
        ({"quality_score": None}, ["not_scored"]),
        ({"is_truncated": True}, ["truncated"]),
        ({"enrichment_status": "validated", "quality_score": None}, ["not_enriched", "not_scored"]),
    ],
)
def test_each_risk_needs_its_own_confirmation(fields: dict[str, object], risks: list[str]) -> None:
    row = _row(**fields)
    assert approval_risks(row) == risks
    with pytest.raises(ConfirmationNeeded) as err:
        check_approval(row, risks[1:], name="'A'")
    assert err.value.risks == risks[:1] and describe(risks[:1]) in err.value.message
    assert check_approval(row, risks, name="'A'") == risks


def test_cohen_kappa_matches_the_textbook_example() -> None:
    # 50 items: both "yes" 20, both "no" 15, a yes/b no 5, a no/b yes 10 -> po 0.7, pe 0.5, kappa 0.4
    a = ["yes"] * 20 + ["no"] * 15 + ["yes"] * 5 + ["no"] * 10
    b = ["yes"] * 20 + ["no"] * 15 + ["no"] * 5 + ["yes"] * 10
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(["good", "good"], ["good", "good"]) is None
    assert cohen_kappa([], []) is None


def _rating(reviewer: str, turn: int, value: str, conversation: str = "c1") -> TurnRating:
    return TurnRating.model_validate(
        {"conversation_id": conversation, "turn_number": turn, "rating": value, "rated_by": reviewer}
    )


def test_agreement_counts_only_turns_both_reviewers_rated() -> None:
    ratings = [
        _rating("Ana", 1, "good"),
        _rating("Ben", 1, "good"),
        _rating("Ana", 2, "bad"),
        _rating("Ben", 2, "needs_work"),
        _rating("Ana", 3, "good"),  # Ben never rated turn 3
        _rating("Ben", 1, "good", conversation="c2"),
    ]
    found = agreement(ratings)
    assert found.reviewers == ["Ana", "Ben"] and found.shared_turns == 2
    assert found.share_alike == pytest.approx(0.5)
    assert "2 reviewers rated 2 turn pairs alike 50% of the time" in found.summary()


def test_agreement_with_one_reviewer_says_what_it_waits_for() -> None:
    found = agreement([_rating("Ana", 1, "good")])
    assert found.share_alike is None and "once two reviewers" in found.summary()
