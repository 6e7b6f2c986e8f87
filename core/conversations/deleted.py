"""A deleted conversation accepts no action but restore.

Delete is soft (``is_active`` off) so it can be undone; until then the conversation is out of every list,
count and export, and nothing may change it: no decision, turn edit, rating, grade, enrichment, regenerate
or training file. Each refusal says so in plain words, naming the conversation and what was asked.
"""

from __future__ import annotations

from core.errors import ConflictError
from core.models.conversation import Conversation

RESTORE_HINT = "Restore it first (Undo, right after deleting it on the Generate page); then try again."


class DeletedConversation(ConflictError):
    """An action asked of a deleted conversation."""


def refuse_if_deleted(row: Conversation, doing: str) -> None:
    """Raise ``DeletedConversation`` when ``row`` is deleted; ``doing`` says what was asked ("approve it")."""
    if not row.is_active:
        raise DeletedConversation(deleted_message(row, doing), hint=RESTORE_HINT, terminal_hint=RESTORE_HINT)


def deleted_message(row: Conversation, doing: str) -> str:
    return f"'{row.conversation_name}' is deleted, so you cannot {doing}: a deleted conversation can only be restored."
