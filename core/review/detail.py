"""Everything the detail view shows about one conversation, read in one place."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from core.conversations.store import ConversationStore
from core.dates import moment
from core.models.conversation import Conversation
from core.models.review import RUBRIC, ReviewAction, ReviewGrade, TurnRating, TurnRevision
from core.models.scaffolding import EmotionalArc
from core.models.statuses import ENRICHED
from core.review.guards import Risk, approval_risks
from core.review.ratings import grades_by_reviewer, ratings_by_reviewer
from core.storage.ports import ReviewLog, ScaffoldingRows
from core.storage.ports.blobs import owned_conversation_path


class TurnView(BaseModel):
    """One chat bubble."""

    turn_number: int
    role: str
    content: str
    emotion: str | None = None
    secondary_emotion: str | None = None
    intensity: float | None = None
    edited: bool = False
    planned_intensity: float | None = None
    judge_score: float | None = None
    judge_comment: str | None = None

    @property
    def is_client(self) -> bool:
        return self.role == "user"


class Verdict(BaseModel):
    """A reviewer's latest decision on the conversation."""

    reviewer: str
    action: str
    to_status: str | None
    at: str


class ArcBands(BaseModel):
    """The arc's planned intensity at the start and at the end of the conversation."""

    arc_name: str
    start_min: float
    start_max: float
    end_min: float
    end_max: float

    @classmethod
    def of(cls, arc: EmotionalArc) -> ArcBands:
        return cls(
            arc_name=arc.name,
            start_min=arc.starting_intensity_min,
            start_max=arc.starting_intensity_max,
            end_min=arc.ending_intensity_min,
            end_max=arc.ending_intensity_max,
        )


class ConversationDetail(BaseModel):
    conversation: Conversation
    turns: list[TurnView]
    bands: ArcBands | None = None
    #: ``{reviewer: {turn_number: rating}}``: every reviewer's ratings, side by side.
    ratings_by: dict[str, dict[int, TurnRating]] = Field(default_factory=dict)
    #: Each reviewer's latest grade.
    grades_by: dict[str, ReviewGrade] = Field(default_factory=dict)
    history: list[ReviewAction] = Field(default_factory=list)
    revisions: list[TurnRevision] = Field(default_factory=list)

    @property
    def enriched_ready(self) -> bool:
        return self.conversation.enrichment_status in ENRICHED and bool(self.conversation.enriched_file_path)

    @property
    def risks(self) -> list[Risk]:
        return approval_risks(self.conversation)

    def ratings_of(self, reviewer: str) -> dict[int, TurnRating]:
        return self.ratings_by.get(reviewer, {})

    def others_ratings(self, reviewer: str, turn_number: int) -> list[TurnRating]:
        return [r[turn_number] for name, r in self.ratings_by.items() if name != reviewer and turn_number in r]

    def verdicts(self) -> list[Verdict]:
        """Each reviewer's latest decision (history is newest first), in reviewer order."""
        found: dict[str, Verdict] = {}
        for entry in self.history:
            if entry.to_status is None or entry.performed_by in found:
                continue
            when = moment(entry.created_at)
            found[entry.performed_by] = Verdict(
                reviewer=entry.performed_by, action=entry.action, to_status=entry.to_status, at=when
            )
        return [found[name] for name in sorted(found)]

    def current_turn(self, reviewer: str) -> int | None:
        """The first turn ``reviewer`` has not rated yet (the one keyboard ratings apply to)."""
        mine = self.ratings_of(reviewer)
        return next((t.turn_number for t in self.turns if t.turn_number not in mine), None)

    def judge_suggestion(self) -> dict[str, int] | None:
        """The judge's scores as a suggested grade (whole numbers 1–5), or ``None`` without a judge."""
        judge = (self.conversation.quality_details or {}).get("judge")
        if not isinstance(judge, dict):
            return None
        names = {"empathy": "empathy", "clarity": "clarity", "appropriateness": "appropriateness"}
        names["expert_voice"] = "expert_voice_alignment"
        try:
            scores = {field: _score(judge[source]) for field, source in names.items()}
        except (KeyError, TypeError, ValueError):
            return None
        scores["overall"] = _score(sum(scores[name] for name in RUBRIC) / len(RUBRIC))
        return scores


def _score(value: object) -> int:
    return min(5, max(1, round(float(value))))  # type: ignore[arg-type]


def turn_views(data: dict[str, Any] | None, edited: set[int] | None = None) -> list[TurnView]:
    """The parsed file's turns as bubbles; turns without a usable shape are skipped, not fatal."""
    views: list[TurnView] = []
    turns = [t for t in (data or {}).get("turns", []) if isinstance(t, dict)]
    for position, turn in enumerate(turns, start=1):
        found = turn.get("emotional_context")
        context: dict[str, Any] = found if isinstance(found, dict) else {}
        intensity = context.get("intensity")
        number = int(turn.get("turn_number") or position)
        views.append(
            TurnView(
                turn_number=number,
                role=str(turn.get("role", "user")),
                content=str(turn.get("content", "")),
                emotion=context.get("primary_emotion"),
                secondary_emotion=context.get("secondary_emotion"),
                intensity=float(intensity) if isinstance(intensity, int | float) else None,
                edited=number in (edited or set()),
            )
        )
    return views


def planned_intensities(turns: list[TurnView], bands: ArcBands | None) -> dict[int, float]:
    """The arc's planned intensity at each client turn: linear from the middle of the starting band to
    the middle of the ending band (the plan the judge scores arc adherence against)."""
    if bands is None:
        return {}
    client = [t.turn_number for t in turns if t.is_client]
    start, end = (bands.start_min + bands.start_max) / 2, (bands.end_min + bands.end_max) / 2
    steps = max(len(client) - 1, 1)
    return {n: round(start + (end - start) * i / steps, 2) for i, n in enumerate(client)}


def judge_per_turn(row: Conversation) -> dict[int, dict[str, Any]]:
    """The judge's arc-adherence verdict per client turn, from ``quality_details.judge``."""
    judge = (row.quality_details or {}).get("judge")
    found: dict[int, dict[str, Any]] = {}
    for entry in (judge or {}).get("arc_adherence_per_turn", []) if isinstance(judge, dict) else []:
        if isinstance(entry, dict) and isinstance(entry.get("turn_number"), int):
            found[entry["turn_number"]] = entry
    return found


def load_detail(
    store: ConversationStore, log: ReviewLog, scaffolding: ScaffoldingRows, conversation_id: str
) -> ConversationDetail:
    row = store.rows.get(conversation_id)
    revisions = log.revisions(conversation_id)
    arc = scaffolding.arcs.find_by(arc_key=row.emotional_arc_key) if row.emotional_arc_key else None
    bands = ArcBands.of(arc) if arc else None
    turns = turn_views(
        store.read_json(owned_conversation_path(row.created_by, row.file_path)), {r.turn_number for r in revisions}
    )
    plan, verdicts = planned_intensities(turns, bands), judge_per_turn(row)
    for turn in turns:
        turn.planned_intensity = plan.get(turn.turn_number)
        verdict = verdicts.get(turn.turn_number) if turn.is_client else None
        if verdict is not None:
            score = verdict.get("score")
            turn.judge_score = float(score) if isinstance(score, int | float) else None
            turn.judge_comment = str(verdict.get("comment") or "") or None
            expected = verdict.get("expected_intensity")
            if isinstance(expected, int | float):
                turn.planned_intensity = float(expected)
    return ConversationDetail(
        conversation=row,
        turns=turns,
        bands=bands,
        ratings_by=ratings_by_reviewer(log, conversation_id),
        grades_by=grades_by_reviewer(log, conversation_id),
        history=log.history(conversation_id),
        revisions=revisions,
    )
