"""A reviewer's edit of one turn: kept as a revision, written into the parsed file, enrichment reset.

The exact raw reply (``raw_response_path``) is never touched, and each revision row keeps the text it
replaced, so every earlier version of a turn can be recovered. ``source_hash`` is left alone: it
identifies where the conversation came from, so importing the original file again is still recognised.

Two edits at once (or an edit racing enrichment): the new file goes to a new path and the row is switched to
it only if its ``row_version`` is still the one read (``core.conversations.versions``). The loser retries on
the fresh file; if someone else changed the same turn meanwhile, it reports a conflict instead.
"""

from __future__ import annotations

from typing import Any

from core.conversations.deleted import refuse_if_deleted
from core.conversations.store import ConversationStore, search_text
from core.conversations.versions import VersionConflict, versioned_path
from core.errors import ConflictError, NotFoundError, ValidationError
from core.jsonutil import dumps_pretty
from core.models.conversation import Conversation
from core.models.review import ReviewAction, TurnRevision
from core.models.statuses import Enrichment
from core.storage.blobs import CONVERSATION_FILES, owned_conversation_path
from core.storage.ports import ReviewLog


def find_turn(data: dict[str, Any], turn_number: int) -> dict[str, Any]:
    """The turn numbered ``turn_number`` (its ``turn_number`` field, else its 1-based position)."""
    turns = [t for t in data.get("turns", []) if isinstance(t, dict)]
    for position, turn in enumerate(turns, start=1):
        if int(turn.get("turn_number") or position) == turn_number:
            return turn
    raise NotFoundError(f"The conversation has no turn {turn_number} (it has {len(turns)} turns).")


def edit_turn(
    store: ConversationStore, log: ReviewLog, conversation_id: str, turn_number: int, new_content: str, editor: str
) -> TurnRevision:
    """Replace one turn's text; record the revision and a history line; set enrichment to ``not_started``."""
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
        try:
            return _save(store, log, row, data, turn_number, original, text, editor)
        except VersionConflict:
            continue  # another change landed first: apply the edit again on the fresh file
    raise ConflictError("The conversation kept changing while it was being edited.", hint="Try again in a moment.")


ATTEMPTS = 5


def _save(
    store: ConversationStore,
    log: ReviewLog,
    row: Conversation,
    data: dict[str, Any],
    turn_number: int,
    original: str,
    text: str,
    editor: str,
) -> TurnRevision:
    """Write the new file to a new path, then switch the row to it if nobody changed the row meanwhile."""
    after = dumps_pretty(data)
    path = versioned_path(row)
    revision = TurnRevision(
        conversation_id=row.conversation_id,
        turn_number=turn_number,
        original_content=original,
        new_content=text,
        edited_by=editor,
    )
    store.blobs.put(CONVERSATION_FILES, path, after)
    try:
        with store.transactions.transaction() as conn:
            store.rows.write_if_unchanged(
                conn,
                row,
                file_path=path,
                file_size=len(after),
                search_text=search_text(data.get("turns", [])),
                enrichment_status=Enrichment.NOT_STARTED,
                enrichment_error=None,
            )
            log.add_revision(revision, conn=conn)
            log.add_action(
                ReviewAction(
                    conversation_id=row.conversation_id,
                    action="turn_edited",
                    performed_by=editor,
                    details={"turn_number": turn_number, "revision_id": revision.id},
                ),
                conn=conn,
            )
    except Exception:
        store.blobs.delete(CONVERSATION_FILES, path)  # only the file this attempt wrote
        raise
    return revision
