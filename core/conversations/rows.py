"""A stored conversation's row, built from its raw reply: parse (strict JSON, then one repair), then the row
with its provenance, truncation, search text and first/last emotions. Pure: no file or database is touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.conversations.truncation import Truncation, find_truncation
from core.jsonutil import canonical_hash
from core.models.conversation import Conversation, Source
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, Tier, TrainingTopic
from core.models.statuses import Processing


@dataclass
class Provenance:
    """Which scaffolding produced a conversation, and how."""

    persona: Persona | None = None
    arc: EmotionalArc | None = None
    topic: TrainingTopic | None = None
    template: PromptTemplate | None = None
    expert: ExpertProfile | None = None
    tier: Tier = "template"
    snapshot: dict[str, Any] | None = None
    extra_parameters: dict[str, Any] = field(default_factory=dict)

    def input_parameters(self) -> dict[str, Any]:
        params = {
            "persona_id": self.persona.id if self.persona else "",
            "persona_key": self.persona.persona_key if self.persona else "",
            "persona_name": self.persona.name if self.persona else "",
            "emotional_arc_id": self.arc.id if self.arc else "",
            "emotional_arc_key": self.arc.arc_key if self.arc else "",
            "emotional_arc_name": self.arc.name if self.arc else "",
            "training_topic_id": self.topic.id if self.topic else "",
            "training_topic_key": self.topic.topic_key if self.topic else "",
            "training_topic_name": self.topic.name if self.topic else "",
        }
        return params | self.extra_parameters


def content_fingerprint(turns: list[Any]) -> str:
    """Same turns (role and text), same fingerprint: how repeats are recognised across file formats."""
    return canonical_hash([[t.get("role"), str(t.get("content", "")).strip()] for t in turns if isinstance(t, dict)])


def parse_reply(text: str) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """Parse model text: strict JSON first, then one repair. Returns (data, method, error)."""
    try:
        data = json.loads(text)
        method = "direct"
    except ValueError as strict_err:
        import json_repair  # loaded only for the rare reply that is not valid JSON

        try:
            data = json_repair.loads(text)
            method = "jsonrepair"
        except Exception as repair_err:  # the repair library raises assorted errors
            return None, None, f"direct: {strict_err}; jsonrepair: {repair_err}"
        if not isinstance(data, dict) or not data:
            return None, None, f"direct: {strict_err}; jsonrepair: no JSON object could be recovered"
    if not isinstance(data, dict) or not isinstance(data.get("turns"), list):
        return None, method, "the reply has no 'turns' list"
    return data, method, None


def search_text(turns: list[Any]) -> str:
    """The lower-cased text of every turn: what the review grid's text search looks in."""
    return "\n".join(str(t.get("content", "")) for t in turns if isinstance(t, dict)).lower()


def _intensity(turn: dict[str, Any] | None) -> float | None:
    if not turn:
        return None
    value = (turn.get("emotional_context") or {}).get("intensity")
    return float(value) if isinstance(value, int | float) else None


def _emotion(turn: dict[str, Any] | None) -> str | None:
    if not turn:
        return None
    value = (turn.get("emotional_context") or {}).get("primary_emotion")
    return str(value) if value else None


@dataclass
class ParsedReply:
    """A raw reply after parsing: its JSON (``None`` when nothing could be recovered), how it was parsed, and
    where it looks cut off."""

    data: dict[str, Any] | None
    method: str | None
    error: str | None
    truncation: Truncation | None

    @property
    def turns(self) -> list[Any]:
        return self.data.get("turns", []) if self.data else []


def parse(raw_text: str, provenance: Provenance) -> ParsedReply:
    """Parse the reply; its JSON gets the client persona's name and the input parameters (the parsed file)."""
    data, method, error = parse_reply(raw_text)
    turns: list[Any] = data.get("turns", []) if data else []
    parsed = ParsedReply(data, method, error, find_truncation(raw_text, turns if data else None))
    _add_provenance(parsed, provenance)
    return parsed


def build_row(
    parsed: ParsedReply,
    provenance: Provenance,
    *,
    conversation_id: str,
    source: Source,
    created_by: str | None,
    job_id: str | None,
    now: datetime,
    raw_text: str,
    raw_path: str,
    raw_size: int,
) -> Conversation:
    """The row of a conversation whose raw reply is stored at ``raw_path`` (the parsed file's path and size, and
    the enriched file's, are set by the store). A reply that cannot be parsed is ``parse_failed`` and needs a
    manual review."""
    truncation = parsed.truncation
    row = Conversation(
        conversation_id=conversation_id,
        source=source,
        job_id=job_id,
        created_by=created_by,
        created_at=now,
        tier=provenance.tier,
        raw_response_path=raw_path,
        raw_response_size=raw_size,
        raw_stored_at=now,
        parse_attempts=1,
        parse_method_used=parsed.method,
        input_parameters=provenance.input_parameters(),
        scaffolding_snapshot=provenance.snapshot,
        is_truncated=truncation is not None,
        truncation_pattern=truncation.pattern if truncation else None,
        expert_profile_id=provenance.expert.id if provenance.expert else None,
        persona_id=provenance.persona.id if provenance.persona else None,
        emotional_arc_id=provenance.arc.id if provenance.arc else None,
        training_topic_id=provenance.topic.id if provenance.topic else None,
        template_id=provenance.template.id if provenance.template else None,
        persona_key=provenance.persona.persona_key if provenance.persona else None,
        emotional_arc_key=provenance.arc.arc_key if provenance.arc else None,
        topic_key=provenance.topic.topic_key if provenance.topic else None,
        category=provenance.template.category if provenance.template else None,
    )
    if parsed.data is None:
        row.processing_status = Processing.PARSE_FAILED
        row.requires_manual_review = True
        row.parse_error_message = parsed.error
        row.source_hash = canonical_hash(raw_text)
        return row
    turns = parsed.turns
    metadata = parsed.data.get("conversation_metadata")
    user_turns = [t for t in turns if isinstance(t, dict) and t.get("role") == "user"]
    name = metadata.get("client_persona") if isinstance(metadata, dict) else None
    row.processing_status = Processing.PARSED
    row.conversation_name = str(name or "Untitled Conversation")[:255]
    row.turn_count = len(turns)
    row.source_hash = content_fingerprint(turns)
    row.search_text = search_text(turns)
    row.starting_emotion = _emotion(user_turns[0] if user_turns else None)
    row.ending_emotion = _emotion(user_turns[-1] if user_turns else None)
    row.emotional_intensity_start = _intensity(user_turns[0] if user_turns else None)
    row.emotional_intensity_end = _intensity(user_turns[-1] if user_turns else None)
    return row


def _add_provenance(parsed: ParsedReply, provenance: Provenance) -> None:
    if parsed.data is None:
        return
    metadata = parsed.data.setdefault("conversation_metadata", {})
    if provenance.persona and isinstance(metadata, dict):
        metadata["client_persona"] = f"{provenance.persona.name} - {provenance.persona.archetype}"
    parsed.data["input_parameters"] = provenance.input_parameters()
