"""Every review decision and refused transition, on SQLite and Postgres."""

from __future__ import annotations

import pytest

from core.errors import ConflictError, NotFoundError, ValidationError
from core.review.service import ReviewService
from tests.support.review_data import add_conversation, add_ready, review_fixture  # noqa: F401 (the "review" fixture)


def test_approve_records_status_reviewer_time_and_history(review: ReviewService) -> None:
    c = add_ready(review.store)
    review.decide(c.conversation_id, "approve", "Ana", comment="Warm and clear")
    row = review.store.rows.get(c.conversation_id)
    assert (row.review_status, row.reviewed_by, row.review_notes) == ("approved", "Ana", "Warm and clear")
    assert row.reviewed_at is not None
    [entry] = review.history(c.conversation_id)
    assert (entry.action, entry.performed_by, entry.from_status, entry.to_status) == (
        "approved",
        "Ana",
        "pending_review",
        "approved",
    )


def test_reject_requires_a_reason_and_keeps_it(review: ReviewService) -> None:
    c = add_ready(review.store)
    with pytest.raises(ValidationError, match="needs a reason"):
        review.decide(c.conversation_id, "reject", "Ana")
    review.decide(c.conversation_id, "reject", "Ana", reasons=["Off-voice"], comment="too salesy")
    row = review.store.rows.get(c.conversation_id)
    assert (row.review_status, row.review_notes) == ("rejected", "Off-voice — too salesy")
    assert review.history(c.conversation_id)[0].reasons == ["Off-voice"]


def test_needs_revision_then_approve_is_allowed(review: ReviewService) -> None:
    c = add_ready(review.store)
    review.decide(c.conversation_id, "needs_revision", "Ana", comment="turn 3 is vague")
    review.decide(c.conversation_id, "approve", "Ben")
    actions = [(h.action, h.performed_by) for h in review.history(c.conversation_id)]
    assert actions == [("approved", "Ben"), ("revision_requested", "Ana")]


def test_approving_a_rejected_conversation_is_refused_and_changes_nothing(review: ReviewService) -> None:
    c = add_ready(review.store)
    review.decide(c.conversation_id, "reject", "Ana", comment="wrong facts")
    with pytest.raises(ConflictError, match="Cannot approve") as err:
        review.decide(c.conversation_id, "approve", "Ben")
    assert err.value.hint == "Move it back to review first."
    assert review.store.rows.get(c.conversation_id).review_status == "rejected"
    assert len(review.history(c.conversation_id)) == 1


def test_archive_and_move_back_to_review(review: ReviewService) -> None:
    c = add_ready(review.store)
    review.decide(c.conversation_id, "archive", "Ana")
    with pytest.raises(ConflictError, match="already archived"):
        review.decide(c.conversation_id, "archive", "Ana")
    review.decide(c.conversation_id, "move_to_review", "Ben")
    assert review.store.rows.get(c.conversation_id).review_status == "pending_review"


def test_a_parse_failed_conversation_cannot_be_approved(review: ReviewService) -> None:
    c = add_conversation(review.store, processing_status="parse_failed")
    with pytest.raises(ConflictError, match="no parsed turns"):
        review.decide(c.conversation_id, "approve", "Ana")


def test_every_decision_needs_a_reviewer_name(review: ReviewService) -> None:
    c = add_ready(review.store)
    with pytest.raises(ValidationError, match="records who made it"):
        review.decide(c.conversation_id, "approve", "   ")


def test_a_decision_on_an_unknown_conversation_is_not_found(review: ReviewService) -> None:
    with pytest.raises(NotFoundError):
        review.decide("00000000-0000-0000-0000-00000000abcd", "approve", "Ana")


def test_bulk_applies_what_is_allowed_and_says_why_the_rest_was_refused(review: ReviewService) -> None:
    fresh, done = add_ready(review.store), add_ready(review.store)
    review.decide(done.conversation_id, "approve", "Ana")
    result = review.bulk([fresh.conversation_id, done.conversation_id, "missing"], "approve", "Ben")
    assert result.done == [fresh.conversation_id]
    reasons = {r.conversation_id: r.reason for r in result.refused}
    assert "already approved" in reasons[done.conversation_id]
    assert reasons["missing"] == "it no longer exists"
    assert result.summary("approved") == "1 approved, 2 refused"


def test_bulk_reject_checks_the_reason_before_touching_any_row(review: ReviewService) -> None:
    c = add_ready(review.store)
    with pytest.raises(ValidationError):
        review.bulk([c.conversation_id], "reject", "Ana")
    assert review.store.rows.get(c.conversation_id).review_status == "pending_review"


def test_a_stale_status_is_refused_by_compare_and_set(review: ReviewService) -> None:
    c = add_ready(review.store)
    stale = review.store.rows.get(c.conversation_id)
    review.decide(c.conversation_id, "approve", "Ana")
    with review.store.transactions.transaction() as conn, pytest.raises(ConflictError, match="changed by someone else"):
        review._apply(conn, stale, "reject", "Ben", "late", [])
