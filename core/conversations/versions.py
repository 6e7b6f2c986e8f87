"""Optimistic concurrency on conversations: every write of the file, of enrichment or of review fields says
which ``row_version`` it read, and succeeds only if the row still has it (adding one). The loser of a race
sees ``VersionConflict`` and retries on fresh data, or reports a conflict in plain words.

A new version of a conversation file goes to a new path (``versioned_path``), so a writer that loses the race
never overwrites the file the winner's row points to; it removes only its own file.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from core.errors import ConflictError
from core.models.base import NIL_UUID, utcnow
from core.models.conversation import Conversation
from core.storage.blobs import parsed_conversation_path
from core.storage.database import Database


class VersionConflict(ConflictError):
    """The conversation changed since it was read (another edit, enrichment or review got there first)."""


def write_if_unchanged(db: Database, conn: sa.Connection, row: Conversation, **values: Any) -> int:
    """Set ``values`` on ``row``'s conversation if it still has the version ``row`` was read at; returns the
    new version. Raises ``VersionConflict`` (changing nothing) otherwise."""
    table = db.conversations.table
    new_version = row.row_version + 1
    where = sa.and_(table.c.conversation_id == row.conversation_id, table.c.row_version == row.row_version)
    update = sa.update(table).where(where).values(**values, row_version=new_version, updated_at=utcnow())
    if conn.execute(update).rowcount != 1:
        raise VersionConflict(
            f"'{row.conversation_name}' was changed by someone else meanwhile.", hint="Reload it and try again."
        )
    return new_version


def versioned_path(row: Conversation) -> str:
    """A fresh path for the next version of ``row``'s parsed file (unique per writer)."""
    return parsed_conversation_path(
        row.created_by or NIL_UUID, row.conversation_id, f"v{row.row_version + 1}-{uuid.uuid4().hex[:8]}"
    )
