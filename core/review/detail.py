"""Everything the detail view shows about one conversation, read in one place."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from core.conversations.store import ConversationStore
from core.models.conversation import Conversation
from core.models.review import ReviewAction, ReviewGrade, TurnRating, TurnRevision
from core.models.scaffolding import EmotionalArc
from core.storage.blobs import owned_conversation_path

ENRICHED_READY = ("enriched", "completed")


class TurnView(BaseModel):
    """One chat bubble."""

    turn_number: int
    role: str
    content: str
    emotion: str | None = None
    secondary_emotion: str | None = None
    intensity: float | None = None
    edited: bool = False


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
    ratings: dict[int, TurnRating] = Field(default_factory=dict)
    grade: ReviewGrade | None = None
    history: list[ReviewAction] = Field(default_factory=list)
    revisions: list[TurnRevision] = Field(default_factory=list)

    @property
    def enriched_ready(self) -> bool:
        return self.conversation.enrichment_status in ENRICHED_READY and bool(self.conversation.enriched_file_path)


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


def intensity_chart_rows(detail: ConversationDetail) -> list[dict[str, float | int | None]]:
    """Intensity per turn beside the arc's planned start and end bands (one row per turn)."""
    bands = detail.bands
    rows: list[dict[str, float | int | None]] = []
    for turn in detail.turns:
        row: dict[str, float | int | None] = {"turn": turn.turn_number, "intensity": turn.intensity}
        if bands is not None:
            row |= {
                "start min": bands.start_min,
                "start max": bands.start_max,
                "end min": bands.end_min,
                "end max": bands.end_max,
            }
        rows.append(row)
    return rows


def load_detail(store: ConversationStore, conversation_id: str) -> ConversationDetail:
    db = store.db
    row = db.conversations.get(conversation_id)
    where = {"conversation_id": conversation_id}
    revisions = db.turn_revisions.list(where=where, descending=True)
    arc = db.arcs.find_by(arc_key=row.emotional_arc_key) if row.emotional_arc_key else None
    grades = db.review_grades.list(where=where, descending=True, limit=1)
    return ConversationDetail(
        conversation=row,
        turns=turn_views(
            store.read_json(owned_conversation_path(row.created_by, row.file_path)), {r.turn_number for r in revisions}
        ),
        bands=ArcBands.of(arc) if arc else None,
        ratings={r.turn_number: r for r in db.turn_ratings.list(where=where)},
        grade=grades[0] if grades else None,
        history=db.review_actions.list(where=where, descending=True),
        revisions=revisions,
    )
