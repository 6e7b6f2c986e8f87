"""Training files: named, stored ``brightrun-lora-v4`` files built from approved, enriched conversations.

Stored at ``training-files/{row id}/training.json`` and ``training.jsonl`` (the row id, unlike the
earlier system's unrelated UUID). Both files are always rebuilt from the member list, and the row's
counts, quality summary and scaffolding distribution are copied from what was written, so the row
never disagrees with the files. Members keep the order they were added in.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from core.errors import AccessDeniedError, ConflictError, ExportError, NotFoundError, ValidationError
from core.export.brightrun_v4 import Summary, write_v4
from core.export.selection import Selection, iter_items, iter_rows
from core.export.service import ExportService
from core.models.base import new_id, utcnow
from core.models.conversation import Conversation
from core.models.statuses import Enrichment, TrainingFileState
from core.models.training import TrainingFile, TrainingFileConversation
from core.storage.ports import TrainingFileRows
from core.storage.ports.blobs import TRAINING_FILES, owned_training_file_path, training_file_paths

Kind = Literal["json", "jsonl"]
CONTENT_TYPES = {"json": "application/json", "jsonl": "application/x-ndjson"}


class TrainingFileChange(BaseModel):
    file: TrainingFile
    added: int
    created: bool

    def summary(self) -> str:
        verb = "Created" if self.created else "Updated"
        return (
            f"{verb} training file '{self.file.name}': {self.added} conversation(s) added, "
            f"{self.file.conversation_count} in total, {self.file.total_training_pairs} training pairs."
        )


class TrainingFileService:
    """Training files over the ``TrainingFileRows`` port (given by ``core.bootstrap``) and the export writers."""

    def __init__(self, exports: ExportService, files: TrainingFileRows) -> None:
        self.exports = exports
        self.store = exports.store
        self.files = files

    # -- reads ------------------------------------------------------------------------------------
    def get(self, key: str) -> TrainingFile:
        """By id or by name."""
        found = self.files.files.find(key) or self.files.files.first({"name": key, **self._mine()})
        if found is None:
            raise NotFoundError(
                f"No training file '{key}'.",
                hint="It may have been archived: see the Export page.",
                terminal_hint="List them with: python -m core training-file list",
            )
        return found

    def list_files(self, *, include_archived: bool = False) -> list[TrainingFile]:
        where = None if include_archived else {"status": TrainingFileState.ACTIVE}
        return self.files.files.list(where=where, order_by="created_at", descending=True)

    def member_ids(self, file_id: str) -> list[str]:
        return self.files.member_ids(file_id)

    def read(self, key: str, kind: Kind = "json") -> bytes:
        row = self.get(key)
        path = row.json_file_path if kind == "json" else row.jsonl_file_path
        return self.store.blobs.get(TRAINING_FILES, owned_training_file_path(row.id, path))

    # -- writes -----------------------------------------------------------------------------------
    def create(
        self,
        name: str,
        *,
        description: str | None = None,
        conversation_ids: list[str] | None = None,
        status: str | None = None,
        created_by: str | None = None,
    ) -> TrainingFile:
        """From explicit ids, or from a filter (default: approved, enrichment completed)."""
        name = name.strip()
        if not name:
            raise ValidationError("Give the training file a name.")
        created_by = self.files.acting_user or created_by  # a signed-in user's files are theirs (names per owner)
        if self.files.files.find_by(name=name, created_by=created_by):
            raise ConflictError(
                f"A training file named '{name}' already exists.", hint="Pick another name, or add to it."
            )
        if conversation_ids is None:
            selection = self.exports.selection("brightrun-v4", status)
            ids = [r.conversation_id for r in iter_rows(self.store, selection)]
        else:
            ids = [r.conversation_id for r in self._eligible(conversation_ids)]
        if not ids:
            raise ExportError(
                "No conversations for the training file: none is approved with enrichment completed.",
                hint="Approve enriched conversations first, or give conversation ids.",
            )
        row = TrainingFile(name=name, description=description, created_by=created_by)
        row.json_file_path, row.jsonl_file_path = training_file_paths(row.id)
        summary, sizes = self._write(row, ids)
        _apply(row, summary, sizes)
        try:
            self.files.create(row, _members(row.id, ids, created_by, utcnow()))
        except Exception:
            for path in (row.json_file_path, row.jsonl_file_path):
                self.store.blobs.delete(TRAINING_FILES, path)
            raise
        return row

    def add(self, key: str, conversation_ids: list[str], *, added_by: str | None = None) -> TrainingFile:
        """Append conversations; a request with any conversation already in the file is refused whole."""
        row = self._owned(self.get(key))
        if row.status != TrainingFileState.ACTIVE:
            raise ConflictError(f"Training file '{row.name}' is {row.status}; only active files take conversations.")
        rows = self._eligible(conversation_ids)
        new = [r.conversation_id for r in rows]
        present = self.files.present(row.id, new)
        if present:
            raise ConflictError(
                f"{len(present)} conversation(s) are already in '{row.name}': " + ", ".join(sorted(present)),
                hint="Remove those ids from the request; nothing was added.",
            )
        ids = self.member_ids(row.id) + new
        summary, sizes = self._write(row, ids)
        _apply(row, summary, sizes)
        changes = {k: getattr(row, k) for k in _ROW_FIELDS} | {"last_updated_at": utcnow()}
        return self.files.extend(row.id, _members(row.id, new, added_by, utcnow()), **changes)

    def add_or_create(
        self, name: str, conversation_ids: list[str], *, added_by: str | None = None, description: str | None = None
    ) -> TrainingFileChange:
        """The review page's hand-off: add to the file named ``name``, creating it when there is none."""
        existing = self.files.files.first({"name": name.strip(), **self._mine()})
        if existing is None:
            row = self.create(name, description=description, conversation_ids=conversation_ids, created_by=added_by)
            return TrainingFileChange(file=row, added=row.conversation_count, created=True)
        row = self.add(existing.id, conversation_ids, added_by=added_by)
        return TrainingFileChange(file=row, added=row.conversation_count - existing.conversation_count, created=False)

    def archive(self, key: str) -> TrainingFile:
        row = self._owned(self.get(key))
        return self.files.files.update(row.id, status=TrainingFileState.ARCHIVED, last_updated_at=utcnow())

    # -- helpers ----------------------------------------------------------------------------------
    def _mine(self) -> dict[str, str]:
        """For a signed-in user, names mean their own files (every user may hold a file of the same name)."""
        user = self.files.acting_user
        return {} if user is None else {"created_by": user}

    def _owned(self, row: TrainingFile) -> TrainingFile:
        """Signed-in users read every training file but change only their own: refused before any file is written."""
        if self.files.acting_user is not None and row.created_by != self.files.acting_user:
            raise AccessDeniedError(
                f"Training file '{row.name}' belongs to someone else; only its owner can change it.",
                hint="Create a training file of your own (any name you like).",
            )
        return row

    def _eligible(self, conversation_ids: list[str]) -> list[Conversation]:
        """Resolve ids (conversation id, else row id); every one must be enriched, else all are listed."""
        if not conversation_ids:
            raise ValidationError("Give at least one conversation id.")
        rows, problems = [], []
        for given in dict.fromkeys(conversation_ids):
            found = self.store.rows.find(given) or self.store.rows.find_by(id=given)
            if found is None:
                problems.append(f"{given}: no such conversation")
            elif not found.is_active:
                problems.append(f"'{found.conversation_name}' is deleted; restore it first")
            elif found.enrichment_status != Enrichment.COMPLETED or not found.enriched_file_path:
                problems.append(f"{given}: enrichment is {found.enrichment_status}, not completed")
            else:
                rows.append(found)
        if problems:
            raise ValidationError(
                "These conversations cannot go into a training file:",
                problems=problems,
                hint="Enrich them first (or leave them out); nothing was written.",
            )
        return rows

    def _write(self, row: TrainingFile, ids: list[str]) -> tuple[Summary, dict[str, int]]:
        """Build both files from ``ids`` in a temporary folder, then store them at the row's paths."""
        # Members were chosen one by one (or by the filter, which leaves truncated ones out): write them all.
        selection = Selection(statuses=None, conversation_ids=tuple(ids), include_truncated=True)
        items = iter_items(self.store, iter_rows(self.store, selection))
        with tempfile.TemporaryDirectory(prefix="brightrun-training-") as tmp:
            json_file, jsonl_file = Path(tmp) / "training.json", Path(tmp) / "training.jsonl"
            summary = write_v4(
                items,
                json_file,
                jsonl_file,
                file_name=row.name,
                created=row.created_at,
                defaults=self.exports.v4_defaults(),
            )
            if summary.conversations != len(ids):
                missing = len(ids) - summary.conversations
                raise ExportError(
                    f"{missing} conversation(s) of '{row.name}' can no longer be exported "
                    "(enrichment not completed, or deactivated); nothing was changed.",
                    hint="Finish their enrichment, or create a new training file without them.",
                )
            sizes = {}
            for kind, local, path in (
                ("json", json_file, row.json_file_path),
                ("jsonl", jsonl_file, row.jsonl_file_path),
            ):
                target = owned_training_file_path(row.id, path)
                self.store.blobs.put_file(TRAINING_FILES, target, local, content_type=CONTENT_TYPES[kind])
                sizes[kind] = local.stat().st_size
        return summary, sizes


_ROW_FIELDS = (
    "conversation_count",
    "total_training_pairs",
    "json_file_size",
    "jsonl_file_size",
    "avg_quality_score",
    "min_quality_score",
    "max_quality_score",
    "human_reviewed_count",
    "scaffolding_distribution",
)


def _apply(row: TrainingFile, summary: Summary, sizes: dict[str, int]) -> None:
    """Copy what the files hold onto the row (the only place row counts come from)."""
    quality: dict[str, Any] = summary.quality_summary()
    row.conversation_count = summary.conversations
    row.total_training_pairs = summary.pairs
    row.json_file_size, row.jsonl_file_size = sizes["json"], sizes["jsonl"]
    row.avg_quality_score = quality["avg_quality_score"]
    row.min_quality_score = quality["min_quality_score"]
    row.max_quality_score = quality["max_quality_score"]
    row.human_reviewed_count = quality["human_reviewed_count"]
    row.scaffolding_distribution = summary.scaffolding_distribution()


def _members(file_id: str, ids: list[str], by: str | None, start: datetime) -> list[TrainingFileConversation]:
    # Distinct, increasing timestamps keep the order added even when the database sorts by time.
    return [
        TrainingFileConversation(
            id=new_id(),
            training_file_id=file_id,
            conversation_id=cid,
            added_by=by,
            created_at=start + timedelta(microseconds=i),
        )
        for i, cid in enumerate(ids)
    ]
