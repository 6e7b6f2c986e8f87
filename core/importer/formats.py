"""Readers of each file format: parsed JSON in, ``Candidate`` conversations out, nothing stored.

A reader checks every field it uses (type, ids) and raises ``ImportFormatError`` naming the file and the
place; the importer stores candidates only once every conversation of the file has been read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final, Literal

from core.conversations.truncation import find_truncation
from core.errors import ImportFormatError
from core.importer.checks import conversation_id, expect, optional_object, refuse, text_fields
from core.importer.pairs import raw_from_pairs
from core.jsonutil import dumps_pretty
from core.models.base import utcnow
from core.models.statuses import Review

Format = Literal["raw", "enriched", "training_file", "jsonl", "wrapper"]
ENRICHED_FORMAT: Final = "enriched"  # the format's name (not the enrichment status of the same spelling)
UUID_IN_NAME = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
FORMAT_HELP = (
    "Bright Run imports four kinds of file: a raw conversation (conversation_metadata + turns), "
    "an enriched conversation (dataset_metadata + training_pairs), a brightrun-lora-v4 training file "
    "(training_file_metadata + conversations), or the .jsonl file that comes with a training file."
)
FORMAT_NAMES: dict[str, str] = {
    "raw": "a raw conversation file",
    "enriched": "an enriched conversation file",
    "training_file": "a training file",
    "jsonl": "a training file's JSONL",
    "wrapper": "a file holding several conversations",
}
# Computed again on export; every other key of the file rides along (target_model, batch_id, unknown keys).
V4_FILE_KEYS = {
    "file_name",
    "version",
    "created_date",
    "last_updated",
    "format_spec",
    "vertical",
    "total_conversations",
    "total_training_pairs",
    "quality_summary",
    "scaffolding_distribution",
}
SCAFFOLDING_KEYS = (
    "persona_key",
    "persona_name",
    "emotional_arc_key",
    "emotional_arc",
    "training_topic_key",
    "training_topic",
)
KEPT = "imported_from"  # key of the enriched file that keeps what the training file said about it


PARAM_TEXT = (
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
)


def input_parameters(data: dict[str, Any], *, source: str) -> dict[str, Any]:
    """The file's ``input_parameters`` (an object whose scaffolding fields are text)."""
    params = optional_object(data, "input_parameters", source=source, where="")
    text_fields(params, PARAM_TEXT, source=source, where="input_parameters.")
    return dict(params)


@dataclass
class Candidate:
    """One conversation read from a file, ready to store."""

    raw_text: str
    raw: dict[str, Any]
    params: dict[str, Any]
    kind: Format
    label: str
    conversation_id: str | None = None
    enriched: dict[str, Any] | None = None
    overrides: dict[str, Any] | None = None
    #: The part of a file holding several conversations this one came from (``None`` for a whole file).
    part: str | None = None
    #: How many messages had escapes written twice and were un-escaped on import.
    unescaped: int = 0
    #: The snapshot of a stored copy stored again (its content won): kept as it was.
    kept_snapshot: dict[str, Any] | None = None

    @property
    def turns(self) -> list[Any]:
        turns = self.raw.get("turns")
        return turns if isinstance(turns, list) else []

    @property
    def pairs(self) -> int:
        """The number of training pairs this copy holds (0 for a raw conversation)."""
        pairs = (self.enriched or {}).get("training_pairs")
        return len(pairs) if isinstance(pairs, list) else 0

    def snapshot(self) -> dict[str, Any] | None:
        """The expert profile and system prompt the conversation was written with, as its file records them."""
        if self.kept_snapshot is not None:
            return self.kept_snapshot
        enriched = self.enriched or {}
        pairs = enriched.get("training_pairs")
        prompt = next(
            (
                p["system_prompt"]
                for p in pairs or []
                if isinstance(p, dict) and isinstance(p.get("system_prompt"), str)
            ),
            None,
        )
        profile = enriched.get("consultant_profile")
        found: dict[str, Any] = {}
        if prompt and prompt.strip():
            found["system_prompt"] = prompt
        if isinstance(profile, dict) and profile:
            found["consultant_profile"] = profile
        vertical = (enriched.get("dataset_metadata") or {}).get("vertical")
        if found and isinstance(vertical, str) and vertical:
            found["vertical"] = vertical
        return found or None


def detect_format(data: Any, *, source: str) -> Format:
    if isinstance(data, dict):
        if "training_file_metadata" in data and "conversations" in data:
            return "training_file"
        if "dataset_metadata" in data and "training_pairs" in data:
            return "enriched"
        if "conversation_metadata" in data and "turns" in data:
            return "raw"
        found = ", ".join(sorted(str(k)[:40] for k in data)[:8]) or "no keys"
        raise ImportFormatError(
            f"{source} is JSON, but not a file Bright Run can import (top-level keys: {found}).", hint=FORMAT_HELP
        )
    raise ImportFormatError(f"{source} is JSON, but its top level is not an object.", hint=FORMAT_HELP)


def _finish(candidate: Candidate) -> Candidate:
    """Mark truncation the importer's way (answers cut off mid-sentence too) and never approve it."""
    turns = candidate.raw.get("turns") or []
    truncation = find_truncation(candidate.raw_text, turns, mid_sentence=True)
    overrides = dict(candidate.overrides or {})
    details = dict(overrides.get("quality_details") or {})
    overrides["quality_details"] = details | {KEPT: candidate.kind}
    if truncation is not None:
        overrides |= {"is_truncated": True, "truncation_pattern": truncation.pattern}
        if overrides.get("review_status") == Review.APPROVED:
            overrides |= {
                "review_status": Review.PENDING,
                "reviewed_by": None,
                "reviewed_at": None,
                "review_notes": "Held for review on import: an answer ends mid-sentence. " + truncation.details,
            }
    candidate.overrides = overrides
    return candidate


def from_raw(data: dict[str, Any], text: str, *, source: str) -> Candidate:
    meta = expect(
        data.get("conversation_metadata"), (dict,), source=source, where="conversation_metadata", required=True
    )
    text_fields(
        meta,
        ("client_persona", "session_context", "conversation_phase", "expected_outcome"),
        source=source,
        where="conversation_metadata.",
    )
    turns = expect(data.get("turns"), (list,), source=source, where="turns", required=True)
    for index, turn in enumerate(turns, start=1):
        where = f"turn {index}"
        expect(turn, (dict,), source=source, where=where, required=True)
        text_fields(turn, ("role", "content"), source=source, where=f"{where}: ")
        optional_object(turn, "emotional_context", source=source, where=f"{where}: ")
    return _finish(Candidate(text, data, input_parameters(data, source=source), "raw", source))


def from_enriched(data: dict[str, Any], *, source: str) -> Candidate:
    """An enriched conversation file: turns rebuilt from its pairs, its real id from ``dataset_name``."""
    meta = expect(data.get("dataset_metadata"), (dict,), source=source, where="dataset_metadata", required=True)
    pairs = expect(data.get("training_pairs"), (list,), source=source, where="training_pairs", required=True)
    if not pairs:
        raise refuse(source, "it has no training pairs to import")
    raw = raw_from_pairs(pairs, source=source)
    match = UUID_IN_NAME.search(str(meta.get("dataset_name", "")))
    stated = (data.get("conversation_metadata") or {}) if isinstance(data.get("conversation_metadata"), dict) else {}
    cid = conversation_id(stated.get("conversation_id"), source=source, where="conversation_metadata.")
    return _finish(
        Candidate(
            dumps_pretty(raw).decode(),
            raw,
            input_parameters(data, source=source),
            "enriched",
            source,
            conversation_id=cid or (match.group(1) if match else None),
            enriched=data,
        )
    )


def from_training_file(data: dict[str, Any], *, source: str, kind: Format = "training_file") -> list[Candidate]:
    """Each conversation of a ``brightrun-lora-v4`` file, approved (it was in a training file already)."""
    meta = expect(
        data.get("training_file_metadata"), (dict,), source=source, where="training_file_metadata", required=True
    )
    entries = expect(data.get("conversations"), (list,), source=source, where="conversations", required=True)
    file_name = meta.get("file_name") if isinstance(meta.get("file_name"), str) else source
    profile = optional_object(data, "consultant_profile", source=source, where="")
    kept_file = {k: v for k, v in meta.items() if k not in V4_FILE_KEYS}
    found = []
    for index, entry in enumerate(entries, start=1):
        where = f"conversation {index}: "
        expect(entry, (dict,), source=source, where=f"conversation {index}", required=True)
        if not isinstance(entry.get("training_pairs"), list):
            raise refuse(source, f"conversation {index} has no training_pairs list")
        conv_meta = optional_object(entry, "conversation_metadata", source=source, where=where)
        scaffolding = optional_object(conv_meta, "scaffolding", source=source, where=f"{where}conversation_metadata.")
        text_fields(scaffolding, SCAFFOLDING_KEYS, source=source, where=f"{where}conversation_metadata.scaffolding.")
        expect(conv_meta.get("quality_tier"), (str,), source=source, where=f"{where}conversation_metadata.quality_tier")
        cid = conversation_id(conv_meta.get("conversation_id"), source=source, where=f"{where}conversation_metadata.")
        pairs = entry["training_pairs"]
        raw = raw_from_pairs(pairs, source=source, where=f"conversation {index}, ")
        enriched = {
            "dataset_metadata": {
                "dataset_name": f"fp_conversation_{cid}",
                "version": "1.0.0",
                "created_date": conv_meta.get("created_date"),
                "vertical": meta.get("vertical"),
                "quality_tier": conv_meta.get("quality_tier"),
                "total_conversations": 1,
                "total_turns": len(pairs),
                "notes": f"Imported from training file {file_name}",
            },
            "consultant_profile": profile,
            "training_pairs": pairs,
            KEPT: {
                "training_file_metadata": kept_file,
                "conversation_metadata": conv_meta,
                "entry": {k: v for k, v in entry.items() if k not in ("conversation_metadata", "training_pairs")},
            },
        }
        params = {
            "persona_key": scaffolding.get("persona_key") or "",
            "persona_name": scaffolding.get("persona_name") or "",
            "emotional_arc_key": scaffolding.get("emotional_arc_key") or "",
            "emotional_arc_name": scaffolding.get("emotional_arc") or "",
            "training_topic_key": scaffolding.get("training_topic_key") or "",
            "training_topic_name": scaffolding.get("training_topic") or "",
        }
        overrides = {
            "review_status": Review.APPROVED,
            "reviewed_by": "import",
            "reviewed_at": utcnow(),
            "review_notes": f"Approved in training file '{file_name}' before import.",
            "quality_details": {"imported_quality_tier": conv_meta.get("quality_tier")},
        }
        candidate = Candidate(
            dumps_pretty(raw).decode(),
            raw,
            params,
            kind,
            f"conversation {index}",
            cid,
            enriched=enriched,
            overrides=overrides,
        )
        found.append(_finish(candidate))
    return found
