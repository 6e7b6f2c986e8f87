"""A reviewer's edit of one turn: kept as a revision, written into the parsed file and the training pairs.

When the conversation is enriched, only the pairs that hold the edited turn are re-derived, from the
conversation's own snapshot (``core.conversations.turn_pairs``): the system prompt and expert profile it was
written or imported with, the seed-format fields it carried, its scores. Otherwise enrichment is reset (and
the caller re-runs it). An edit to an approved conversation sends it back to review with the reason, unless
the reviewer who edits says it stays approved (``keep_approved``).

The exact raw reply (``raw_response_path``) is never touched, and each revision row keeps the text it
replaced, so every earlier version of a turn can be recovered. ``source_hash`` is left alone: it
identifies where the conversation came from, so importing the original file again is still recognised.

Two edits at once (or an edit racing enrichment): the new file goes to a new path and the row is switched to
it only if its ``row_version`` is still the one read (``core.conversations.versions``). The loser retries on
the fresh file; if someone else changed the same turn meanwhile, it reports a conflict instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.conversations.deleted import refuse_if_deleted
from core.conversations.store import ConversationStore, search_text
from core.conversations.turn_pairs import rederive_turn
from core.conversations.versions import VersionConflict, versioned_path
from core.errors import ConflictError, NotFoundError, ValidationError
from core.jsonutil import dumps_pretty
from core.models.base import utcnow
from core.models.conversation import Conversation
from core.models.review import ReviewAction, TurnRevision
from core.models.statuses import Enrichment, Review
from core.storage.ports import ReviewLog
from core.storage.ports.blobs import CONVERSATION_FILES, owned_conversation_path


def find_turn(data: dict[str, Any], turn_number: int) -> dict[str, Any]:
    """The turn numbered ``turn_number`` (its ``turn_number`` field, else its 1-based position)."""
    turns = [t for t in data.get("turns", []) if isinstance(t, dict)]
    for position, turn in enumerate(turns, start=1):
        if int(turn.get("turn_number") or position) == turn_number:
            return turn
    raise NotFoundError(f"The conversation has no turn {turn_number} (it has {len(turns)} turns).")


@dataclass(frozen=True)
class TurnEdit:
    """What an edit did: the revision, whether the training pairs were re-derived, whether it went back to review."""

    revision: TurnRevision
    pairs_rederived: bool
    sent_back: bool


def edit_turn(
    store: ConversationStore,
    log: ReviewLog,
    conversation_id: str,
    turn_number: int,
    new_content: str,
    editor: str,
    *,
    keep_approved: bool = False,
) -> TurnEdit:
    """Replace one turn's text; record the revision and a history line; re-derive its pairs (or reset enrichment)."""
    text = new_content.strip()
    if not text:
        raise ValidationError("A turn cannot be empty.", hint="Type the new text of the turn, or cancel the edit.")
    seen: str | None = None
    for _ in range(ATTEMPTS):
        row = store.rows.get(conversation_id)
        refuse_if_deleted(row, "edit its turns")
        if not row.file_path:
            raise ConflictError(
                f"Cannot edit '{row.conversation_name}': it has no parsed turns ({row.processing_status}).",
                hint="Only a parsed conversation can be edited; regenerate or re-import this one.",
            )
        data = store.read_json(owned_conversation_path(row.created_by, row.file_path)) or {}
        turn = find_turn(data, turn_number)
        original = str(turn.get("content", ""))
        if seen is not None and original != seen:
            raise ConflictError(
                f"Turn {turn_number} of '{row.conversation_name}' was changed by someone else meanwhile.",
                hint="Reload the conversation, then make your edit again.",
            )
        seen = original
        if original.strip() == text:
            raise ValidationError(f"Turn {turn_number} already says exactly that.", hint="Change the text, or cancel.")
        turn["content"] = text
        role = str(turn.get("role") or "")
        try:
            return _save(store, log, row, data, Edit(turn_number, role, original, text, editor), keep_approved)
        except VersionConflict:
            continue  # another change landed first: apply the edit again on the fresh file
    raise ConflictError("The conversation kept changing while it was being edited.", hint="Try again in a moment.")


ATTEMPTS = 5


@dataclass(frozen=True)
class Edit:
    turn_number: int
    role: str
    original: str
    text: str
    editor: str


def _rederived(store: ConversationStore, row: Conversation, edit: Edit) -> tuple[str, bytes] | None:
    """The enriched file with the edited turn's pairs re-derived, at a new path; ``None`` when not enriched."""
    if row.enrichment_status != Enrichment.COMPLETED or not row.enriched_file_path:
        return None
    enriched = store.read_json(owned_conversation_path(row.created_by, row.enriched_file_path))
    if not enriched:
        return None
    updated, changed = rederive_turn(
        enriched, edit.turn_number, edit.role, edit.original, edit.text, row.scaffolding_snapshot
    )
    if not changed:
        return None
    path = versioned_path(row).replace("/conversation-", "/enriched-")
    return path, dumps_pretty(updated)


def _save(
    store: ConversationStore, log: ReviewLog, row: Conversation, data: dict[str, Any], edit: Edit, keep_approved: bool
) -> TurnEdit:
    """Write the new files to new paths, then switch the row to them if nobody changed the row meanwhile."""
    after = dumps_pretty(data)
    path = versioned_path(row)
    revision = TurnRevision(
        conversation_id=row.conversation_id,
        turn_number=edit.turn_number,
        original_content=edit.original,
        new_content=edit.text,
        edited_by=edit.editor,
    )
    fields: dict[str, Any] = {
        "file_path": path,
        "file_size": len(after),
        "search_text": search_text(data.get("turns", [])),
    }
    written = [path]
    store.blobs.put(CONVERSATION_FILES, path, after)
    rederived = _rederived(store, row, edit)
    if rederived is not None:
        enriched_path, enriched = rederived
        store.blobs.put(CONVERSATION_FILES, enriched_path, enriched)
        written.append(enriched_path)
        fields |= {"enriched_file_path": enriched_path, "enriched_file_size": len(enriched), "enriched_at": utcnow()}
    else:
        fields |= {"enrichment_status": Enrichment.NOT_STARTED, "enrichment_error": None}
    sent_back = row.review_status == Review.APPROVED and not keep_approved
    reason = f"Turn {edit.turn_number} was edited by {edit.editor} after approval; review it again."
    if sent_back:
        fields |= {"review_status": Review.PENDING, "reviewed_by": None, "reviewed_at": None, "review_notes": reason}
    try:
        with store.transactions.transaction() as conn:
            store.rows.write_if_unchanged(conn, row, **fields)
            log.add_revision(revision, conn=conn)
            log.add_action(
                ReviewAction(
                    conversation_id=row.conversation_id,
                    action="turn_edited",
                    performed_by=edit.editor,
                    comment="Kept approved by the reviewer who edited it."
                    if row.review_status == Review.APPROVED and keep_approved
                    else None,
                    details={"turn_number": edit.turn_number, "revision_id": revision.id},
                ),
                conn=conn,
            )
            if sent_back:
                log.add_action(
                    ReviewAction(
                        conversation_id=row.conversation_id,
                        action="moved_to_review",
                        performed_by=edit.editor,
                        comment=reason,
                        from_status=Review.APPROVED,
                        to_status=Review.PENDING,
                    ),
                    conn=conn,
                )
    except Exception:
        for written_path in written:  # only the files this attempt wrote
            store.blobs.delete(CONVERSATION_FILES, written_path)
        raise
    if rederived is not None and row.enriched_file_path and row.enriched_file_path != rederived[0]:
        store.blobs.delete(CONVERSATION_FILES, owned_conversation_path(row.created_by, row.enriched_file_path) or "")
    return TurnEdit(revision, rederived is not None, sent_back)
