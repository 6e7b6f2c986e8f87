"""Import the earlier system's files: a raw conversation, an enriched conversation, a v4 training file.

Each file imports completely or not at all, and a conversation already stored (same turns) is skipped,
so importing a file twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.conversations.store import ConversationStore, Provenance
from core.errors import ImportFormatError
from core.jsonutil import dumps_pretty, loads_or_explain
from core.models.base import utcnow
from core.models.scaffolding import TIERS
from core.scaffolding.service import ScaffoldingService
from core.storage.blobs import CONVERSATION_FILES

Format = Literal["raw", "enriched", "training_file"]
UUID_IN_NAME = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
FORMAT_HELP = (
    "Bright Run imports three kinds of JSON file: a raw conversation (conversation_metadata + turns), "
    "an enriched conversation (dataset_metadata + training_pairs), or a brightrun-lora-v4 training file "
    "(training_file_metadata + conversations)."
)


class ImportResult(BaseModel):
    source: str
    format: Format
    imported: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    truncated: list[str] = Field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.source}: {self.format.replace('_', ' ')}", f"{len(self.imported)} imported"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} already present")
        if self.truncated:
            parts.append(f"{len(self.truncated)} marked truncated")
        return ", ".join(parts)


def detect_format(data: Any, *, source: str) -> Format:
    if isinstance(data, dict):
        if isinstance(data.get("training_file_metadata"), dict) and isinstance(data.get("conversations"), list):
            return "training_file"
        if isinstance(data.get("dataset_metadata"), dict) and isinstance(data.get("training_pairs"), list):
            return "enriched"
        if isinstance(data.get("conversation_metadata"), dict) and isinstance(data.get("turns"), list):
            return "raw"
        found = ", ".join(sorted(data)[:8]) or "no keys"
        raise ImportFormatError(
            f"{source} is JSON, but not a file Bright Run can import (top-level keys: {found}).", hint=FORMAT_HELP
        )
    raise ImportFormatError(f"{source} is JSON, but its top level is not an object.", hint=FORMAT_HELP)


def turns_from_pairs(pairs: list[Any]) -> list[dict[str, Any]]:
    """Rebuild the raw turns from enriched training pairs (one pair per turn)."""
    turns = []
    for index, pair in enumerate(pairs, start=1):
        if not isinstance(pair, dict):
            raise ImportFormatError(f"Training pair {index} is not an object.")
        is_assistant = pair.get("target_response") is not None
        emotions = (pair.get("emotional_context") or {}).get("detected_emotions") or {}
        context: dict[str, Any] = {
            "primary_emotion": emotions.get("primary", ""),
            "intensity": emotions.get("intensity"),
        }
        if emotions.get("secondary"):
            context["secondary_emotion"] = emotions["secondary"]
        turns.append(
            {
                "turn_number": pair.get("turn_number", index),
                "role": "assistant" if is_assistant else "user",
                "content": pair["target_response"] if is_assistant else pair.get("current_user_input", ""),
                "emotional_context": context,
            }
        )
    return turns


def raw_from_pairs(pairs: list[Any]) -> dict[str, Any]:
    meta = (pairs[0].get("conversation_metadata") or {}) if pairs and isinstance(pairs[0], dict) else {}
    metadata = {k: meta.get(k) for k in ("client_persona", "session_context", "conversation_phase", "expected_outcome")}
    return {"conversation_metadata": metadata, "turns": turns_from_pairs(pairs)}


@dataclass
class Candidate:
    """One conversation read from a file, ready to store."""

    raw_text: str
    raw: dict[str, Any]
    params: dict[str, Any]
    conversation_id: str | None = None
    enriched: dict[str, Any] | None = None
    overrides: dict[str, Any] | None = None


def from_enriched(data: dict[str, Any], *, source: str) -> Candidate:
    """An enriched conversation file: turns rebuilt from its pairs, its real id from ``dataset_name``."""
    pairs = data["training_pairs"]
    if not pairs:
        raise ImportFormatError(f"{source} has no training pairs to import.")
    raw = raw_from_pairs(pairs)
    match = UUID_IN_NAME.search(str(data["dataset_metadata"].get("dataset_name", "")))
    return Candidate(
        dumps_pretty(raw).decode(),
        raw,
        dict(data.get("input_parameters") or {}),
        conversation_id=match.group(1) if match else None,
        enriched=data,
    )


def from_training_file(data: dict[str, Any], *, source: str) -> list[Candidate]:
    """Each conversation of a ``brightrun-lora-v4`` file, approved (it was in a training file already)."""
    meta = data["training_file_metadata"]
    file_name = meta.get("file_name", source)
    found = []
    for index, entry in enumerate(data["conversations"], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("training_pairs"), list):
            raise ImportFormatError(f"Conversation {index} of {source} has no training_pairs list.")
        conv_meta = entry.get("conversation_metadata") or {}
        scaffolding = conv_meta.get("scaffolding") or {}
        conversation_id = conv_meta.get("conversation_id")
        enriched = {
            "dataset_metadata": {
                "dataset_name": f"fp_conversation_{conversation_id}",
                "version": "1.0.0",
                "created_date": conv_meta.get("created_date"),
                "vertical": meta.get("vertical"),
                "quality_tier": conv_meta.get("quality_tier"),
                "total_conversations": 1,
                "total_turns": len(entry["training_pairs"]),
                "notes": f"Imported from training file {file_name}",
            },
            "consultant_profile": data.get("consultant_profile") or {},
            "training_pairs": entry["training_pairs"],
        }
        params = {
            "persona_key": scaffolding.get("persona_key", ""),
            "persona_name": scaffolding.get("persona_name", ""),
            "emotional_arc_key": scaffolding.get("emotional_arc_key", ""),
            "emotional_arc_name": scaffolding.get("emotional_arc", ""),
            "training_topic_key": scaffolding.get("training_topic_key", ""),
            "training_topic_name": scaffolding.get("training_topic", ""),
        }
        overrides = {
            "review_status": "approved",
            "reviewed_by": "import",
            "reviewed_at": utcnow(),
            "review_notes": f"Approved in training file '{file_name}' before import.",
            "quality_details": {"imported_quality_tier": conv_meta.get("quality_tier")},
        }
        raw = raw_from_pairs(entry["training_pairs"])
        found.append(
            Candidate(dumps_pretty(raw).decode(), raw, params, conversation_id, enriched=enriched, overrides=overrides)
        )
    return found


class Importer:
    def __init__(self, store: ConversationStore, scaffolding: ScaffoldingService, *, max_bytes: int) -> None:
        self.store = store
        self.scaffolding = scaffolding
        self.max_bytes = max_bytes

    def import_path(self, path: Path, *, created_by: str | None = None) -> ImportResult:
        if not path.is_file():
            raise ImportFormatError(f"{path} does not exist or is not a file.")
        return self.import_bytes(path.read_bytes(), source=path.name, created_by=created_by)

    def import_bytes(self, data: bytes, *, source: str, created_by: str | None = None) -> ImportResult:
        if len(data) > self.max_bytes:
            raise ImportFormatError(
                f"{source} is {len(data) / 1e6:.1f} MB, more than the {self.max_bytes / 1e6:.0f} MB upload limit.",
                hint="Split the file, or raise BRIGHTRUN_MAX_UPLOAD_BYTES.",
            )
        parsed = loads_or_explain(data, source=source)
        kind = detect_format(parsed, source=source)
        # Every conversation in the file is read before any is stored: a format error stores nothing.
        if kind == "raw":
            found = [Candidate(data.decode("utf-8-sig"), parsed, dict(parsed.get("input_parameters") or {}))]
        elif kind == "enriched":
            found = [from_enriched(parsed, source=source)]
        else:
            found = from_training_file(parsed, source=source)
        result = ImportResult(source=source, format=kind)
        created: list[str] = []
        try:
            for candidate in found:
                self._store(candidate, result, created, created_by)
        except Exception:
            self._undo(created)
            raise
        return result

    def _store(self, candidate: Candidate, result: ImportResult, created: list[str], user: str | None) -> None:
        turns = candidate.raw.get("turns") or []
        duplicate = self.store.find_duplicate(turns)
        if duplicate is None and candidate.conversation_id:
            duplicate = self.store.db.conversations.find(candidate.conversation_id)
        if duplicate is not None:
            result.skipped.append(duplicate.conversation_id)
            return
        row = self.store.ingest(
            candidate.raw_text,
            self._provenance(candidate.params),
            source="imported",
            conversation_id=candidate.conversation_id,
            created_by=user,
            enriched=candidate.enriched,
            row_overrides=candidate.overrides,
        )
        created.append(row.conversation_id)
        result.imported.append(row.conversation_id)
        if row.is_truncated:
            result.truncated.append(row.conversation_id)

    def _provenance(self, params: dict[str, Any]) -> Provenance:
        db = self.scaffolding.db
        persona = db.personas.find_by(persona_key=params.get("persona_key")) if params.get("persona_key") else None
        arc = db.arcs.find_by(arc_key=params.get("emotional_arc_key")) if params.get("emotional_arc_key") else None
        topic = (
            db.topics.find_by(topic_key=params.get("training_topic_key")) if params.get("training_topic_key") else None
        )
        tier = params.get("tier") if params.get("tier") in TIERS else (arc.tier if arc else "template")
        known = {
            "persona_id",
            "persona_key",
            "persona_name",
            "emotional_arc_id",
            "emotional_arc_key",
            "emotional_arc_name",
            "training_topic_id",
            "training_topic_key",
            "training_topic_name",
            "tier",
        }
        extra = {k: v for k, v in params.items() if k not in known}
        # Keep names and keys the file carried even when our scaffolding does not know them.
        for key in (
            "persona_key",
            "persona_name",
            "emotional_arc_key",
            "emotional_arc_name",
            "training_topic_key",
            "training_topic_name",
        ):
            entity = {"persona": persona, "emotional_arc": arc, "training_topic": topic}[key.rsplit("_", 1)[0]]
            if entity is None and params.get(key):
                extra[key] = params[key]
        return Provenance(
            persona=persona,
            arc=arc,
            topic=topic,
            expert=self.scaffolding.active_expert(),
            tier=tier if isinstance(tier, str) and tier in TIERS else "template",  # type: ignore[arg-type]
            extra_parameters=extra,
        )

    def _undo(self, created: list[str]) -> None:
        db = self.store.db
        for conversation_id in created:
            row = db.conversations.find(conversation_id)
            if row is None:
                continue
            for path in (row.raw_response_path, row.file_path, row.enriched_file_path):
                if path:
                    self.store.blobs.delete(CONVERSATION_FILES, path)
            db.conversations.delete(conversation_id)
