"""Held-out scorecards of a trained model and reviewers' blind A/B picks (tables of m0016).

- ``EvaluationRun``: one scorecard run of a model against its base on the held-out conversations: the
  counts, the win rate and its 95% interval (``core.evaluation.stats``), mean rubric scores, what it cost.
- ``EvaluationJudgment``: one client turn of one held-out conversation: the context, both answers, the two
  judge verdicts (positions swapped) and the outcome. ``content_key`` is the hash of everything the judge
  read, so a rerun with the same answers reuses it at no cost.
- ``PreferencePick``: one blind A/B pick by a reviewer; also a preference pair for DPO export.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from core.models.base import Record
from core.models.statuses import EvaluationStatus, VerdictOutcome

#: Which answer the judge preferred: the tuned model's, the base model's, neither, or the judge failed.
Outcome = VerdictOutcome
#: A reviewer's blind pick between the first and the second answer shown.
PickChoice = Literal["first", "second", "tie"]
#: The rubric's four dimensions (the enrichment judge's, without the arc).
DIMENSIONS: tuple[str, ...] = ("empathy", "clarity", "appropriateness", "expert_voice_alignment")


class EvaluationRun(Record):
    model_id: str
    judge_model: str
    status: EvaluationStatus
    conversations: int = 0
    turns: int = 0
    wins: int = 0
    ties: int = 0
    losses: int = 0
    failures: int = 0
    win_rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    estimate_usd: float = 0.0
    budget_usd: float | None = None
    cost_usd: float = 0.0
    #: ``{"base": {dimension: mean}, "tuned": {dimension: mean}}``
    scores: dict[str, Any] = Field(default_factory=dict)
    message: str | None = None
    finished_at: datetime | None = None


class EvaluationJudgment(Record):
    run_id: str
    model_id: str
    content_key: str
    conversation_id: str
    turn_number: int
    #: the conversation so far, ending with the client's turn (chat messages)
    prompt: list[dict[str, Any]] = Field(default_factory=list)
    base_answer: str
    tuned_answer: str
    reference_answer: str | None = None
    outcome: Outcome
    #: the two verdicts, the first with the base answer shown first, the second with the positions swapped
    verdicts: list[str] = Field(default_factory=list)
    base_scores: dict[str, Any] = Field(default_factory=dict)
    tuned_scores: dict[str, Any] = Field(default_factory=dict)
    reason: str = ""
    error: str | None = None
    cost_usd: float = 0.0
    cached: bool = False


class PreferencePick(Record):
    model_id: str | None = None
    judgment_id: str | None = None
    conversation_id: str | None = None
    turn_number: int | None = None
    prompt: list[dict[str, Any]] = Field(default_factory=list)
    first_answer: str
    second_answer: str
    #: where each answer came from: "base", "tuned", or a model's id
    first_source: str
    second_source: str
    pick: PickChoice
    reviewer: str | None = None
