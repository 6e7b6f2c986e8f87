"""Review records: the decision history, per-turn ratings, turn revisions and rubric grades.

Every record names the reviewer who made it (``performed_by`` / ``rated_by`` / ``edited_by`` /
``graded_by``): on the embedded backend the name entered once per browser session, on Supabase the
signed-in user.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import Field

from core.models.base import Record
from core.models.statuses import ReviewStatus

#: What a history entry records. The first five keep the earlier system's names (§1.1 ``review_history``).
ReviewActionKind = Literal[
    "approved",
    "rejected",
    "revision_requested",
    "archived",
    "moved_to_review",
    "turn_edited",
    "turn_rated",
    "graded",
    "enrichment_requested",
    "added_to_training_file",
    "replaced",
]
TurnRatingValue = Literal["good", "needs_work", "bad"]
TURN_RATINGS: tuple[str, ...] = get_args(TurnRatingValue)
Score = Annotated[int, Field(ge=1, le=5)]
RUBRIC: tuple[str, ...] = ("empathy", "clarity", "appropriateness", "expert_voice")


class ReviewAction(Record):
    """One line of a conversation's review history: who did what, when, and why."""

    conversation_id: str
    action: ReviewActionKind
    performed_by: str = Field(min_length=1)
    comment: str | None = None
    reasons: list[str] = Field(default_factory=list)
    from_status: ReviewStatus | None = None
    to_status: ReviewStatus | None = None
    details: dict[str, Any] | None = None


class TurnRating(Record):
    """A reviewer's verdict on one turn; the latest rating of a turn wins (export uses it as a loss weight)."""

    conversation_id: str
    turn_number: int = Field(ge=1)
    rating: TurnRatingValue
    note: str | None = None
    rated_by: str = Field(min_length=1)


class TurnRevision(Record):
    """A reviewer's edit of one turn's text. ``original_content`` is the text before this edit."""

    conversation_id: str
    turn_number: int = Field(ge=1)
    original_content: str
    new_content: str = Field(min_length=1)
    edited_by: str = Field(min_length=1)


class ReviewGrade(Record):
    """An overall grade 1–5 and the four rubric scores, each 1–5."""

    conversation_id: str
    graded_by: str = Field(min_length=1)
    overall: Score
    empathy: Score
    clarity: Score
    appropriateness: Score
    expert_voice: Score
    comment: str | None = None
