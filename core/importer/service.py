"""The importer: read a whole file, check it, then store each conversation (or none).

A file is read and checked completely before anything is stored, so a refused file stores nothing.
Conversations without an id of their own get one derived from their content and owner, so an import
that was killed midway is completed by running it again: what was stored is recognised, the rest is
written at the same paths. While a file is being stored a marker says so (``core.importer.marker``): a
run that was killed leaves it, the next run and Home report it, and the run that completes the file
removes the marker and any file the killed run left without a row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.conversations.store import ConversationStore, content_fingerprint
from core.enrichment.enrich import default_system_prompt
from core.errors import ConflictError, ImportFormatError
from core.importer import marker
from core.importer.formats import Candidate
from core.importer.precedence import REVIEW_FIELDS, Decision, decide, derived_id, id_taken, review_weight
from core.importer.provenance import provenance_of
from core.importer.reading import read_file
from core.importer.result import ImportOutcome, ImportResult
from core.models.conversation import Conversation
from core.models.review import ReviewAction, TurnRevision
from core.models.statuses import Review
from core.scaffolding.service import ScaffoldingService
from core.storage.ports import ReviewLog
from core.storage.ports.blobs import CONVERSATION_FILES, owned_conversation_path

SIZE_HINT = "Split it into smaller files and import them one after another."


def _too_big(source: str, size: int, limit: int) -> ImportFormatError:
    return ImportFormatError(
        f"{source} is {size / 1e6:.1f} MB, more than the {limit / 1e6:.0f} MB upload limit.", hint=SIZE_HINT
    )


class Importer:
    def __init__(
        self,
        store: ConversationStore,
        scaffolding: ScaffoldingService,
        *,
        max_bytes: int,
        log: ReviewLog | None = None,
    ) -> None:
        self.store = store
        self.scaffolding = scaffolding
        self.max_bytes = max_bytes
        self.log = log  # where a disagreeing copy's text is kept as a revision

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
        blobs = self.store.blobs
        ids = [
            c.conversation_id or derived_id(content_fingerprint(c.turns), created_by, self.store.rows.project_id)
            for c in found
        ]
        earlier = marker.start(blobs, self.store.rows, created_by, source, ids)
        if earlier is not None:
            done = marker.stored_count(self.store.rows, earlier.conversation_ids)
            result.warnings.append(
                marker.sentence(earlier, done).replace("run it again to finish", "this run finishes it")
            )
        created: list[str] = []
        try:
            for candidate in found:
                self._store(candidate, result, created, created_by)
        except Exception:
            self._undo(created)
            marker.finish(blobs, self.store.rows, created_by, source)
            raise
        if earlier is not None:
            stored = sorted({*ids, *earlier.conversation_ids, *(o.conversation_id for o in result.outcomes)})
            removed = marker.remove_orphans(blobs, self.store.rows, created_by, stored)
            if removed:
                result.warnings.append(f"Removed {removed} file(s) the stopped import had left without a conversation.")
        marker.finish(blobs, self.store.rows, created_by, source)
        return result

    def interrupted(self, created_by: str | None = None) -> list[str]:
        """One sentence per import of ``created_by`` that was stopped midway (for Home and the CLI)."""
        return marker.interrupted(self.store.blobs, self.store.rows, created_by)

    def read(self, data: bytes, *, source: str) -> tuple[list[Candidate], ImportResult]:
        """Every conversation of the file, checked, before any is stored (``core.importer.reading``)."""
        return read_file(data, source=source)

    # -- storing one conversation -------------------------------------------------------------------
    def _store(self, candidate: Candidate, result: ImportResult, created: list[str], user: str | None) -> None:
        decision = decide(self.store, candidate, user)
        existing = decision.existing
        if decision.action == "replace" and existing is not None and self._worked_on(existing):
            decision.action, decision.content, decision.review = "skip", "stored", "stored"
            decision.reason = (
                "kept the stored copy: a reviewer has worked on it since it was imported (ratings, grades or edits)"
            )
        if decision.action in ("skip", "update") and existing is not None:
            row = self._update(existing, candidate, decision) if decision.action == "update" else existing
            self._outcome(result, candidate, decision, row, "updated" if decision.action == "update" else "skipped")
            return
        derived = derived_id(content_fingerprint(candidate.turns), user, self.store.rows.project_id)
        conversation_id = candidate.conversation_id
        if not conversation_id or id_taken(self.store, conversation_id):
            conversation_id = derived  # another owner holds the file's id
        source = candidate
        if existing is not None:
            conversation_id = decision.conversation_id or existing.conversation_id
            if decision.content == "stored":
                source = self._as_candidate(existing, candidate)
            self._remove(existing)
        row = self._ingest(source, conversation_id, derived, user, existing)
        if (
            existing is not None
            and decision.review == "stored"
            and review_weight(existing.review_status, existing.review_notes)
        ):
            row = self._carry_review(row, {f: getattr(existing, f) for f in REVIEW_FIELDS}, existing.quality_details)
        elif existing is not None and decision.review == "file" and source is not candidate:
            row = self._carry_review(row, candidate.overrides or {}, (candidate.overrides or {}).get("quality_details"))
        created.append(row.conversation_id)
        action = "replaced" if existing is not None else "imported"
        if existing is not None and row.conversation_id != decision.conversation_id:  # the file's id is taken
            decision.reason = decision.reason.split("; id ", 1)[0]
            if decision.content == "stored" and not (decision.review == "file" and candidate.overrides):
                action = "skipped"
        self._outcome(result, candidate, decision, row, action)

    def _ingest(
        self, candidate: Candidate, conversation_id: str, derived: str, user: str | None, existing: Conversation | None
    ) -> Conversation:
        provenance = provenance_of(self.scaffolding, candidate.params, candidate.snapshot() or self._active_snapshot())

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
            return _ingest(conversation_id)
        except ConflictError:
            # Row-level security hid another user's conversation with the file's id: keep the id we had.
            fallback = existing.conversation_id if existing is not None else derived
            if conversation_id == fallback:
                raise
            return _ingest(fallback)

    def _active_snapshot(self) -> dict[str, Any] | None:
        """For a file that records no expert (a raw conversation): the expert and system prompt of import time."""
        expert = self.scaffolding.active_expert()
        if expert is None:
            return None
        return {
            "system_prompt": default_system_prompt(expert),
            "consultant_profile": expert.consultant_profile(),
            "vertical": expert.vertical,
        }

    def _as_candidate(self, row: Conversation, like: Candidate) -> Candidate:
        """The stored copy as a candidate, to store again under another id (its content won)."""
        raw_text = self.store.raw_text(row) or ""
        enriched = self.store.read_json(owned_conversation_path(row.created_by, row.enriched_file_path))
        overrides: dict[str, Any] = {f: getattr(row, f) for f in REVIEW_FIELDS}
        overrides |= {"quality_details": row.quality_details, "is_truncated": row.is_truncated}
        overrides["truncation_pattern"] = row.truncation_pattern
        kind = str((row.quality_details or {}).get("imported_from") or "raw")
        return Candidate(
            raw_text,
            json.loads(raw_text),
            dict(row.input_parameters or {}),
            like.kind if kind not in ("raw", "enriched", "training_file", "jsonl") else kind,  # type: ignore[arg-type]
            like.label,
            enriched=enriched,
            overrides=overrides,
            kept_snapshot=row.scaffolding_snapshot,
        )

    def _update(self, row: Conversation, candidate: Candidate, decision: Decision) -> Conversation:
        """Keep the stored content; take this file's review record and keep its differing text as revisions."""
        if decision.conflict and self.log is not None:
            by_number = {n: t for n, t in enumerate(candidate.turns, start=1)}
            for number in decision.conflict:
                theirs = str(by_number[number].get("content", "")).strip()
                mine = self._stored_turn(row, number)
                if theirs and mine is not None:
                    self.log.add_revision(
                        TurnRevision(
                            conversation_id=row.conversation_id,
                            turn_number=number,
                            original_content=theirs,
                            new_content=mine,
                            edited_by="import",
                        )
                    )
            self.log.add_action(
                ReviewAction(
                    conversation_id=row.conversation_id,
                    action="turn_edited",
                    performed_by="import",
                    comment=f"Another copy disagrees in the text of turn(s) {', '.join(map(str, decision.conflict))}; "
                    "its text is kept as a revision.",
                    details={"turns": decision.conflict, "from_import": candidate.label},
                )
            )
        if decision.review == "file":
            overrides = candidate.overrides or {}
            return self._carry_review(row, overrides, overrides.get("quality_details"))
        return row

    def _worked_on(self, row: Conversation) -> bool:
        """A person rated, graded or edited this copy (its review record is in the history, not in the file)."""
        return self.log is not None and any(a.performed_by != "import" for a in self.log.history(row.conversation_id))

    def _stored_turn(self, row: Conversation, number: int) -> str | None:
        data = self.store.read_json(owned_conversation_path(row.created_by, row.file_path)) or {}
        turns = [t for t in data.get("turns") or [] if isinstance(t, dict)]
        return str(turns[number - 1].get("content", "")) if 0 < number <= len(turns) else None

    def _carry_review(self, row: Conversation, record: dict[str, Any], details: dict[str, Any] | None) -> Conversation:
        """Set the review record of ``row`` from another copy; a truncated conversation is held, not approved."""
        fields: dict[str, Any] = {f: record.get(f) for f in REVIEW_FIELDS}
        if row.is_truncated and fields["review_status"] == Review.APPROVED:
            fields |= {
                "review_status": Review.PENDING,
                "reviewed_by": None,
                "reviewed_at": None,
                "review_notes": "Held for review on import: an answer ends mid-sentence.",
            }
        tier = (details or {}).get("imported_quality_tier")
        if tier:
            fields["quality_details"] = (row.quality_details or {}) | {"imported_quality_tier": tier}
        return self.store.rows.update(row.conversation_id, **fields)

    @staticmethod
    def _outcome(
        result: ImportResult, candidate: Candidate, decision: Decision, row: Conversation, action: str
    ) -> None:
        result.outcomes.append(
            ImportOutcome(
                conversation_id=row.conversation_id,
                action=action,  # type: ignore[arg-type]
                reason=decision.reason,
                truncated=row.is_truncated,
                content_from="this file" if decision.content == "file" else "the stored copy",
                review_from="this file" if decision.review == "file" else "the stored copy",
                part=candidate.part,
                unescaped=candidate.unescaped,
                name=row.conversation_name,
            )
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
