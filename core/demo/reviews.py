"""The demo's review round: a reviewer's decisions, notes and per-turn ratings, read from ``reviews.json``.

Applied only to demo conversations still waiting for review that nobody has touched, so loading the demo
twice (or after someone reviewed by hand) never adds a second verdict or overrides a person's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from core.models.review import TurnRatingValue
from core.models.statuses import Review
from core.review.service import ReviewService

REVIEWS_FILE = Path(__file__).resolve().parent / "reviews.json"


class DemoReview(BaseModel):
    decision: Literal["approve", "reject", "needs_revision"]
    comment: str
    reasons: list[str] = Field(default_factory=list)
    ratings: dict[int, TurnRatingValue] = Field(default_factory=dict)


class ReviewPlan(BaseModel):
    reviewer: str
    reviews: dict[str, DemoReview]


def review_plan() -> ReviewPlan:
    return ReviewPlan.model_validate(json.loads(REVIEWS_FILE.read_text(encoding="utf-8")))


def apply_reviews(review: ReviewService, conversation_by_file: dict[str, str]) -> int:
    """Rate and decide each planned demo conversation (file stem → conversation id); returns how many."""
    plan = review_plan()
    decided = 0
    for stem, planned in plan.reviews.items():
        conversation_id = conversation_by_file.get(stem)
        if conversation_id is None:
            continue
        row = review.conversations.get(conversation_id)
        if row.review_status != Review.PENDING or review.history(conversation_id):
            continue
        for turn, rating in sorted(planned.ratings.items()):
            review.rate_turn(conversation_id, turn, rating, plan.reviewer)
        review.decide(
            conversation_id, planned.decision, plan.reviewer, comment=planned.comment, reasons=planned.reasons
        )
        decided += 1
    return decided
