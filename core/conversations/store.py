"""Storing conversations: the exact raw text, the parsed file, and the row, kept consistent.

Used by generation (single and batch), the importer and the demo loader, so every conversation gets
the same provenance whatever its source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import json_repair

from core.conversations.truncation import find_truncation
from core.jsonutil import canonical_hash, dumps_pretty
from core.models.base import NIL_UUID, new_id, utcnow
from core.models.conversation import Conversation, Source
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, Tier, TrainingTopic
from core.models.statuses import Enrichment, Processing
from core.storage.blobs import (
    CONVERSATION_FILES,
    BlobStore,
    enriched_conversation_path,
    owned_conversation_path,
    parsed_conversation_path,
    raw_conversation_path,
)
from core.storage.database import Database
from core.storage.ports import Connection, ConversationRows


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


class ConversationStore:
    """Conversations as files and rows. ``db`` is the unit of work (``Transactions``); the rows are its
    ``ConversationRows`` port (``rows``)."""

    def __init__(self, db: Database, blobs: BlobStore) -> None:
        self.db = db
        self.rows: ConversationRows = db.conversations
        self.blobs = blobs

    def find_duplicate(self, turns: list[Any], *, created_by: str | None = None) -> Conversation | None:
        """``created_by``'s conversation with the same turns (each owner has their own set, m0006)."""
        return self.rows.find_by(source_hash=content_fingerprint(turns), created_by=created_by)

    def ingest(
        self,
        raw_text: str,
        provenance: Provenance,
        *,
        source: Source = "generated",
        conversation_id: str | None = None,
        created_by: str | None = None,
        job_id: str | None = None,
        enriched: dict[str, Any] | None = None,
        row_overrides: dict[str, Any] | None = None,
        attempt: str | None = None,
        guard: Callable[[Connection], None] | None = None,
    ) -> Conversation:
        """Store ``raw_text`` exactly, parse it, write the parsed file and the row.

        A reply that cannot be parsed still gets a row (``parse_failed``, ``requires_manual_review``)
        so the text is never lost. If writing the row fails, the blobs written are removed again: only
        these, since every call writes its own paths (``attempt``: a batch claim's token, else a random one). ``guard`` runs
        in the transaction that inserts the row and may raise to refuse it (a batch lease that was lost).
        """
        conversation_id = conversation_id or new_id()
        user = created_by or NIL_UUID
        now = utcnow()
        raw_bytes = raw_text.encode("utf-8")
        # Two writers of one id with different text never share a file; the same text (a re-run) reuses it.
        attempt = attempt or hashlib.sha256(raw_bytes).hexdigest()[:10]
        raw_path = raw_conversation_path(user, conversation_id, attempt)
        written = [raw_path]
        self.blobs.put(CONVERSATION_FILES, raw_path, raw_bytes)
        data, method, error = parse_reply(raw_text)
        turns: list[Any] = data.get("turns", []) if data else []
        truncation = find_truncation(raw_text, turns if data else None)
        input_parameters = provenance.input_parameters()
        row = Conversation(
            conversation_id=conversation_id,
            source=source,
            job_id=job_id,
            created_by=created_by,
            created_at=now,
            tier=provenance.tier,
            raw_response_path=raw_path,
            raw_response_size=len(raw_bytes),
            raw_stored_at=now,
            parse_attempts=1,
            parse_method_used=method,
            input_parameters=input_parameters,
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
        if data is None:
            row.processing_status = Processing.PARSE_FAILED
            row.requires_manual_review = True
            row.parse_error_message = error
            row.source_hash = canonical_hash(raw_text)
        else:
            metadata = data.setdefault("conversation_metadata", {})
            if provenance.persona and isinstance(metadata, dict):
                metadata["client_persona"] = f"{provenance.persona.name} - {provenance.persona.archetype}"
            data["input_parameters"] = input_parameters
            parsed_path = parsed_conversation_path(user, conversation_id, attempt)
            parsed_bytes = dumps_pretty(data)
            self.blobs.put(CONVERSATION_FILES, parsed_path, parsed_bytes)
            written.append(parsed_path)
            user_turns = [t for t in turns if isinstance(t, dict) and t.get("role") == "user"]
            name = metadata.get("client_persona") if isinstance(metadata, dict) else None
            row.processing_status = Processing.PARSED
            row.file_path = parsed_path
            row.file_size = len(parsed_bytes)
            row.conversation_name = str(name or "Untitled Conversation")[:255]
            row.turn_count = len(turns)
            row.source_hash = content_fingerprint(turns)
            row.search_text = search_text(turns)
            row.starting_emotion = _emotion(user_turns[0] if user_turns else None)
            row.ending_emotion = _emotion(user_turns[-1] if user_turns else None)
            row.emotional_intensity_start = _intensity(user_turns[0] if user_turns else None)
            row.emotional_intensity_end = _intensity(user_turns[-1] if user_turns else None)
        if enriched is not None:
            enriched_path = enriched_conversation_path(user, conversation_id)
            enriched_bytes = dumps_pretty(enriched)
            self.blobs.put(CONVERSATION_FILES, enriched_path, enriched_bytes)
            written.append(enriched_path)
            row.enrichment_status = Enrichment.COMPLETED
            row.enriched_file_path = enriched_path
            row.enriched_file_size = len(enriched_bytes)
            row.enriched_at = now
        for name, value in (row_overrides or {}).items():
            setattr(row, name, value)
        try:
            with self.db.transaction() as conn:
                if guard is not None:
                    guard(conn)
                return self.rows.add(row, conn=conn)
        except Exception:
            kept = self._referenced(conversation_id)
            for path in written:
                if path not in kept:  # never a file the stored row points to (same text, same path)
                    self.blobs.delete(CONVERSATION_FILES, path)
            raise

    def _referenced(self, conversation_id: str) -> set[str | None]:
        """The files the stored row of ``conversation_id`` points to (none known when the database cannot say)."""
        try:
            row = self.rows.find(conversation_id)
        except Exception:
            return set()
        return {row.raw_response_path, row.file_path, row.enriched_file_path} if row else set()

    def read_json(self, path: str | None) -> dict[str, Any] | None:
        """A stored conversation file as JSON, or ``None`` when the path is empty."""
        if not path:
            return None
        return json.loads(self.blobs.get(CONVERSATION_FILES, path))

    def raw_text(self, conversation: Conversation) -> str | None:
        if not conversation.raw_response_path:
            return None
        path = owned_conversation_path(conversation.created_by, conversation.raw_response_path) or ""
        return self.blobs.get(CONVERSATION_FILES, path).decode("utf-8")
