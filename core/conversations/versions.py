"""Optimistic concurrency on conversations: every write of the file, of enrichment or of review fields says
which ``row_version`` it read, and succeeds only if the row still has it (adding one): the ``ConversationRows``
port's ``write_if_unchanged``. The loser of a race sees ``VersionConflict`` and retries on fresh data, or
reports a conflict in plain words.

A new version of a conversation file goes to a new path (``versioned_path``), so a writer that loses the race
never overwrites the file the winner's row points to; it removes only its own file.
"""

from __future__ import annotations

import uuid

from core.models.base import NIL_UUID
from core.models.conversation import Conversation
from core.storage.ports.blobs import parsed_conversation_path
from core.storage.ports.conversations import VersionConflict


def versioned_path(row: Conversation) -> str:
    """A fresh path for the next version of ``row``'s parsed file (unique per writer)."""
    return parsed_conversation_path(
        row.created_by or NIL_UUID, row.conversation_id, f"v{row.row_version + 1}-{uuid.uuid4().hex[:8]}"
    )


__all__ = ["VersionConflict", "versioned_path"]
