"""Which review decision may follow which status, and why a refused one is refused.

The earlier system allowed approve / reject / request-revision only from ``pending_review`` or
``needs_revision`` (earlier-system.md §7.2); archive and move-to-review complete the cycle so every
status can be left again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from core.errors import ConflictError
from core.models.review import ReviewActionKind
from core.models.statuses import REVIEWABLE, SETTLED, Review, ReviewStatus

Decision = Literal["approve", "reject", "needs_revision", "archive", "move_to_review"]
DECISIONS: tuple[str, ...] = get_args(Decision)


@dataclass(frozen=True)
class Transition:
    label: str
    allowed_from: tuple[ReviewStatus, ...]
    to_status: ReviewStatus
    history_action: ReviewActionKind


TRANSITIONS: dict[Decision, Transition] = {
    "approve": Transition("approve", REVIEWABLE, Review.APPROVED, "approved"),
    "reject": Transition("reject", REVIEWABLE, Review.REJECTED, "rejected"),
    "needs_revision": Transition(
        "send back for revision", (Review.PENDING,), Review.NEEDS_REVISION, "revision_requested"
    ),
    "archive": Transition(
        "archive",
        (Review.PENDING, Review.APPROVED, Review.REJECTED, Review.NEEDS_REVISION),
        Review.ARCHIVED,
        "archived",
    ),
    "move_to_review": Transition(
        "move back to review",
        (Review.APPROVED, Review.REJECTED, Review.NEEDS_REVISION, Review.ARCHIVED),
        Review.PENDING,
        "moved_to_review",
    ),
}

STATUS_LABELS: dict[str, str] = {
    Review.PENDING: "pending review",
    Review.APPROVED: "approved",
    Review.REJECTED: "rejected",
    Review.NEEDS_REVISION: "needs revision",
    Review.ARCHIVED: "archived",
}


def allowed_decisions(status: ReviewStatus) -> list[Decision]:
    """The decisions a conversation in ``status`` accepts, in display order."""
    return [d for d, t in TRANSITIONS.items() if status in t.allowed_from]


def refusal(decision: Decision, status: ReviewStatus) -> str | None:
    """Why ``decision`` is not allowed from ``status`` (``None`` when it is allowed)."""
    transition = TRANSITIONS[decision]
    if status in transition.allowed_from:
        return None
    if status == transition.to_status:
        return f"it is already {STATUS_LABELS[status]}"
    allowed = " or ".join(STATUS_LABELS[s] for s in transition.allowed_from)
    return f"it is {STATUS_LABELS[status]}; you can {transition.label} only a conversation that is {allowed}"


def check_transition(decision: Decision, status: ReviewStatus, *, name: str = "this conversation") -> ReviewStatus:
    """The status ``decision`` leads to from ``status``, or a ``ConflictError`` that says why not."""
    if decision not in TRANSITIONS:
        raise ConflictError(f"'{decision}' is not a review decision.", hint=f"Use one of: {', '.join(DECISIONS)}.")
    reason = refusal(decision, status)
    if reason is not None:
        hint = None
        if status in SETTLED and decision != "move_to_review":
            hint = "Move it back to review first."
        raise ConflictError(f"Cannot {TRANSITIONS[decision].label} {name}: {reason}.", hint=hint)
    return TRANSITIONS[decision].to_status
