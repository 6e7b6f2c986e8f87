"""Data shapes of the enrichment pipeline: the validation report, a run's outcome, a batch summary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.models.statuses import EnrichmentStatus, Outcome, OutcomeKind

Severity = Literal["blocker", "warning"]
Stage = Literal["fetch", "validation", "enrichment", "normalization", "storage", "finalize"]


#: The 14 blocking codes and 6 warning codes of the earlier system's validation, kept by name.
BLOCKER_CODES: tuple[str, ...] = (
    "INVALID_JSON_SYNTAX",
    "MISSING_CONVERSATION_METADATA",
    "MISSING_TURNS_ARRAY",
    "INSUFFICIENT_TURNS",
    "MISSING_CLIENT_PERSONA",
    "MISSING_SESSION_CONTEXT",
    "MISSING_CONVERSATION_PHASE",
    "INVALID_TURN_NUMBER",
    "INVALID_ROLE",
    "MISSING_CONTENT",
    "MISSING_EMOTIONAL_CONTEXT",
    "MISSING_PRIMARY_EMOTION",
    "MISSING_INTENSITY",
    "INTENSITY_OUT_OF_RANGE",
)
WARNING_CODES: tuple[str, ...] = (
    "MISSING_EXPECTED_OUTCOME",
    "TURN_NUMBER_MISMATCH",
    "ROLE_NOT_ALTERNATING",
    "SHORT_CONTENT",
    "EXTREME_INTENSITY",
    "MISSING_SECONDARY_EMOTION",
)


class ValidationIssue(BaseModel):
    code: str
    severity: Severity
    field: str = Field(description="path of the offending value, e.g. turns[2].emotional_context.intensity")
    message: str
    suggestion: str | None = None


class ValidationReport(BaseModel):
    """Stored as ``conversations.validation_report``; ``is_valid`` means no blockers."""

    conversation_id: str
    validated_at: datetime
    is_valid: bool
    has_blockers: bool
    has_warnings: bool
    blockers: list[ValidationIssue] = Field(default_factory=list)
    warnings: list[ValidationIssue] = Field(default_factory=list)
    summary: str

    @classmethod
    def build(cls, conversation_id: str, at: datetime, issues: list[ValidationIssue]) -> ValidationReport:
        blockers = [i for i in issues if i.severity == "blocker"]
        warnings = [i for i in issues if i.severity == "warning"]
        if blockers:
            summary = f"Validation failed: {len(blockers)} blocking error(s), {len(warnings)} warning(s)."
        elif warnings:
            summary = f"Validation passed with {len(warnings)} warning(s)."
        else:
            summary = "Validation passed: no issues detected."
        return cls(
            conversation_id=conversation_id,
            validated_at=at,
            is_valid=not blockers,
            has_blockers=bool(blockers),
            has_warnings=bool(warnings),
            blockers=blockers,
            warnings=warnings,
            summary=summary,
        )

    def codes(self) -> list[str]:
        return [i.code for i in (*self.blockers, *self.warnings)]


class EnrichmentOutcome(BaseModel):
    """What one run did to one conversation."""

    conversation_id: str
    outcome: OutcomeKind
    final_status: EnrichmentStatus | None = None
    stages_completed: list[Stage] = Field(default_factory=list)
    error: str | None = None
    hint: str | None = None  # what to do, in the app's words
    terminal_hint: str | None = None  # the same for the command line (a command or a flag), when it differs
    validation_report: dict[str, Any] | None = None
    enriched_path: str | None = None
    enriched_size: int | None = None
    quality_score: float | None = None
    judge_cost_usd: float = 0.0
    judge_error: str | None = None


def _first_line(error: str | None) -> str:
    """An error's first line without the stage prefix the pipeline adds ("enrichment: …")."""
    line = (error or "no reason given").strip().splitlines()[0]
    head, sep, rest = line.partition(": ")
    return rest if sep and head.isidentifier() and head.islower() else line


class EnrichmentSummary(BaseModel):
    outcomes: list[EnrichmentOutcome] = Field(default_factory=list)

    def ids(self, kind: OutcomeKind) -> list[str]:
        return [o.conversation_id for o in self.outcomes if o.outcome == kind]

    @property
    def succeeded(self) -> int:
        return len(self.ids(Outcome.SUCCEEDED))

    @property
    def failed(self) -> int:
        return len(self.ids(Outcome.FAILED))

    @property
    def skipped(self) -> int:
        return len(self.ids(Outcome.SKIPPED))

    @property
    def judge_cost_usd(self) -> float:
        return round(sum(o.judge_cost_usd for o in self.outcomes), 6)

    def plain(self, names: Mapping[str, str] | None = None) -> str:
        """For a person: "12 enriched, 1 could not be: Priya Nair: the reply was cut off." (at most three reasons,
        each conversation by its name in ``names`` when given)."""
        parts = [f"{self.succeeded} enriched"]
        if self.skipped:
            parts.append(f"{self.skipped} already done")
        text = ", ".join(parts)
        failed = [o for o in self.outcomes if o.outcome == Outcome.FAILED]
        if failed:
            reasons = "; ".join(
                f"{(names or {}).get(o.conversation_id, 'one conversation')}: {_first_line(o.error)}"
                for o in failed[:3]
            )
            text += f", {len(failed)} could not be: {reasons}" + ("; …" if len(failed) > 3 else "")
        if self.judge_cost_usd:
            text += f" (the judge cost ${self.judge_cost_usd:.4f})"
        return text.rstrip(".") + "."

    def text(self) -> str:
        line = f"{self.succeeded} succeeded, {self.failed} failed, {self.skipped} skipped"
        if self.judge_cost_usd:
            line += f" (judge cost ${self.judge_cost_usd:.4f})"
        return line


class TurnArcAdherence(BaseModel):
    """Does this user turn's emotion sit where the arc plans it at this point of the conversation?"""

    turn_number: int
    expected_intensity: float = Field(ge=0.0, le=1.0)
    observed_intensity: float = Field(ge=0.0, le=1.0)
    score: float = Field(ge=1.0, le=5.0)
    comment: str = ""


class JudgeVerdict(BaseModel):
    """The Claude judge's scores (1–5) for one conversation, with what the call cost."""

    empathy: float = Field(ge=1.0, le=5.0)
    clarity: float = Field(ge=1.0, le=5.0)
    appropriateness: float = Field(ge=1.0, le=5.0)
    expert_voice_alignment: float = Field(ge=1.0, le=5.0)
    arc_adherence: float = Field(ge=1.0, le=5.0)
    arc_adherence_per_turn: list[TurnArcAdherence] = Field(default_factory=list)
    rationale: str = ""
    model: str = ""
    cost_usd: float = 0.0

    @property
    def mean(self) -> float:
        scores = (self.empathy, self.clarity, self.appropriateness, self.expert_voice_alignment, self.arc_adherence)
        return sum(scores) / len(scores)

    def criteria(self) -> dict[str, float]:
        """The four ``quality_criteria`` of the enriched format (and the row's score columns)."""
        return {
            "empathy_score": round(self.empathy, 1),
            "clarity_score": round(self.clarity, 1),
            "appropriateness_score": round(self.appropriateness, 1),
            "brand_voice_alignment": round(self.expert_voice_alignment, 1),
        }
