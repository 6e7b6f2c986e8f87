"""The importer: read a whole file, check it, then store each conversation (or none).

A file is read and checked completely before anything is stored, so a refused file stores nothing.
Conversations without an id of their own get one derived from their content and owner, so an import
that was killed midway is completed by running it again: what was stored is recognised, the rest is
written at the same paths (no orphan files are left behind).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from core.conversations.store import ConversationStore, Provenance, content_fingerprint
from core.errors import ConflictError, ImportFormatError
from core.importer.checks import encodable
from core.importer.formats import (
    PARAM_TEXT,
    Candidate,
    Format,
    detect_format,
    from_enriched,
    from_raw,
    from_training_file,
)
from core.importer.jsonl import from_jsonl, looks_like_jsonl
from core.importer.precedence import decide, id_taken
from core.importer.result import ImportOutcome, ImportResult
from core.jsonutil import decode_text, dumps_compact, dumps_pretty, loads_or_explain, strip_nul
from core.models.conversation import Conversation
from core.models.scaffolding import TIERS
from core.scaffolding.service import ScaffoldingService
from core.storage.blobs import CONVERSATION_FILES, owned_conversation_path

ID_NAMESPACE = uuid.UUID("5b0f7d1e-2f4a-4d55-9a53-6f1c3e2b9a10")
SIZE_HINT = "Split it into smaller files and import them one after another."


def _too_big(source: str, size: int, limit: int) -> ImportFormatError:
    return ImportFormatError(
        f"{source} is {size / 1e6:.1f} MB, more than the {limit / 1e6:.0f} MB upload limit.", hint=SIZE_HINT
    )


def without_nul(candidate: Candidate) -> None:
    """Remove NUL characters from everything a candidate stores (the raw text is written anew)."""
    candidate.raw = strip_nul(candidate.raw)
    candidate.raw_text = dumps_pretty(candidate.raw).decode()
    candidate.params = strip_nul(candidate.params)
    candidate.enriched = strip_nul(candidate.enriched)


class Importer:
    def __init__(self, store: ConversationStore, scaffolding: ScaffoldingService, *, max_bytes: int) -> None:
        self.store = store
        self.scaffolding = scaffolding
        self.max_bytes = max_bytes

    def import_path(self, path: Path, *, created_by: str | None = None) -> ImportResult:
        """Import one file; its size is checked before a byte of it is read."""
        if not path.is_file():
            raise ImportFormatError(f"{path.name or path} does not exist or is not a file.")
        size = path.stat().st_size
        if size > self.max_bytes:
            raise _too_big(path.name, size, self.max_bytes)
        with path.open("rb") as handle:
            data = handle.read(self.max_bytes + 1)
        return self.import_bytes(data, source=path.name, created_by=created_by)

    def import_bytes(self, data: bytes, *, source: str, created_by: str | None = None) -> ImportResult:
        if len(data) > self.max_bytes:
            raise _too_big(source, len(data), self.max_bytes)
        found, result = self.read(data, source=source)
        created: list[str] = []
        try:
            for candidate in found:
                self._store(candidate, result, created, created_by)
        except Exception:
            self._undo(created)
            raise
        return result

    def read(self, data: bytes, *, source: str) -> tuple[list[Candidate], ImportResult]:
        """Every conversation of the file, checked, before any is stored.

        Ids are checked on the text as written (a NUL in an id refuses the file); NUL characters in
        message text are then removed, the same on every backend.
        """
        text = decode_text(data, source=source)
        kind: Format
        if looks_like_jsonl(text, source=source):
            found, kind = from_jsonl(text, source=source), "jsonl"
        else:
            parsed = loads_or_explain(text, source=source)
            kind = detect_format(parsed, source=source)
            encodable(dumps_compact(parsed), source=source)
            if kind == "raw":
                found = [from_raw(parsed, text, source=source)]
            elif kind == "enriched":
                found = [from_enriched(parsed, source=source)]
            else:
                found = from_training_file(parsed, source=source)
        result = ImportResult(source=source, format=kind)
        if "\\u0000" in text:
            for candidate in found:
                without_nul(candidate)
            result.warnings.append("NUL characters were removed from the text (databases cannot store them).")
        return found, result

    def _store(self, candidate: Candidate, result: ImportResult, created: list[str], user: str | None) -> None:
        decision = decide(self.store, candidate, user)
        if decision.action == "skip" and decision.existing is not None:
            result.outcomes.append(
                ImportOutcome(
                    conversation_id=decision.existing.conversation_id, action="skipped", reason=decision.reason
                )
            )
            return
        derived = self._derived_id(candidate, user)
        conversation_id = candidate.conversation_id
        if not conversation_id or id_taken(self.store, conversation_id):
            conversation_id = derived  # another owner holds the file's id
        if decision.existing is not None:
            conversation_id = decision.existing.conversation_id
            self._remove(decision.existing)
        provenance = self._provenance(candidate.params)

        def _ingest(conversation_id: str) -> Conversation:
            return self.store.ingest(
                candidate.raw_text,
                provenance,
                source="imported",
                conversation_id=conversation_id,
                created_by=user,
                enriched=candidate.enriched,
                row_overrides=candidate.overrides,
            )

        try:
            row = _ingest(conversation_id)
        except ConflictError:
            if decision.existing is not None or conversation_id == derived:
                raise
            row = _ingest(derived)  # row-level security hid another user's conversation with the file's id
        created.append(row.conversation_id)
        action = "replaced" if decision.action == "replace" else "imported"
        result.outcomes.append(
            ImportOutcome(
                conversation_id=row.conversation_id, action=action, reason=decision.reason, truncated=row.is_truncated
            )
        )

    @staticmethod
    def _derived_id(candidate: Candidate, user: str | None) -> str:
        """Same content, same owner, same id: a re-run import finds (and overwrites) what it wrote before."""
        fingerprint = content_fingerprint(candidate.raw.get("turns") or [])
        return str(uuid.uuid5(ID_NAMESPACE, f"{user or ''}:{fingerprint}"))

    def _provenance(self, params: dict[str, Any]) -> Provenance:
        db = self.scaffolding.rows
        persona = db.personas.find_by(persona_key=params.get("persona_key")) if params.get("persona_key") else None
        arc = db.arcs.find_by(arc_key=params.get("emotional_arc_key")) if params.get("emotional_arc_key") else None
        topic = (
            db.topics.find_by(topic_key=params.get("training_topic_key")) if params.get("training_topic_key") else None
        )
        tier = params.get("tier") if params.get("tier") in TIERS else (arc.tier if arc else "template")
        extra = {k: v for k, v in params.items() if k not in PARAM_TEXT}
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

    def _remove(self, row: Conversation) -> None:
        for path in (row.raw_response_path, row.file_path, row.enriched_file_path):
            if path:
                self.store.blobs.delete(CONVERSATION_FILES, owned_conversation_path(row.created_by, path) or "")
        self.store.rows.delete(row.conversation_id)

    def _undo(self, created: list[str]) -> None:
        for conversation_id in created:
            row = self.store.rows.find(conversation_id)
            if row is not None:
                self._remove(row)
