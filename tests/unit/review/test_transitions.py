"""Allowed review transitions and the reasons given for refused ones."""

from __future__ import annotations

import pytest

from core.errors import ConflictError
from core.review.transitions import TRANSITIONS, allowed_decisions, check_transition, refusal


@pytest.mark.parametrize("status", ["pending_review", "needs_revision"])
def test_approve_and_reject_are_allowed_from_pending_and_needs_revision(status: str) -> None:
    assert check_transition("approve", status) == "approved"  # type: ignore[arg-type]
    assert check_transition("reject", status) == "rejected"  # type: ignore[arg-type]


@pytest.mark.parametrize("status", ["approved", "rejected", "archived"])
def test_approve_is_refused_from_a_decided_status_with_a_hint(status: str) -> None:
    with pytest.raises(ConflictError) as err:
        check_transition("approve", status, name="'Anna'")  # type: ignore[arg-type]
    assert "Cannot approve 'Anna'" in err.value.message
    assert err.value.hint == "Move it back to review first."


def test_refusal_says_when_the_conversation_is_already_in_the_target_status() -> None:
    assert refusal("archive", "archived") == "it is already archived"
    assert refusal("needs_revision", "needs_revision") == "it is already needs revision"


def test_refusal_names_the_statuses_the_decision_needs() -> None:
    reason = refusal("approve", "rejected")
    assert reason is not None and "pending review or needs revision" in reason


def test_every_status_can_be_left_by_some_decision() -> None:
    for status in ("pending_review", "approved", "rejected", "needs_revision", "archived"):
        assert allowed_decisions(status), status  # type: ignore[arg-type]


def test_move_to_review_returns_any_decided_conversation_to_pending() -> None:
    for status in TRANSITIONS["move_to_review"].allowed_from:
        assert check_transition("move_to_review", status) == "pending_review"
    assert refusal("move_to_review", "pending_review") == "it is already pending review"


def test_an_unknown_decision_is_refused_with_the_list_of_decisions() -> None:
    with pytest.raises(ConflictError) as err:
        check_transition("publish", "pending_review")  # type: ignore[arg-type]
    assert err.value.hint is not None and "approve" in err.value.hint
