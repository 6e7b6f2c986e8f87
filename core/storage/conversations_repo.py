"""Conversation rows and their versions: the ``ConversationRows`` port (``core.storage.ports``).

Optimistic concurrency: every write of the file, of enrichment or of review fields can say which ``row_version``
it read (``write_if_unchanged``) and succeeds only if the row still has it (adding one). The loser of a race
sees ``VersionConflict`` and retries on fresh data, or reports a conflict in plain words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.models.base import utcnow
from core.models.conversation import Conversation, ConversationHeading
from core.storage import schema
from core.storage.ports.conversations import VersionConflict
from core.storage.repository import Repository, Where

if TYPE_CHECKING:
    from core.storage.database import Database

__all__ = ["ConversationsRepo", "VersionConflict"]


class ConversationsRepo(Repository[Conversation]):
    def __init__(self, db: Database) -> None:
        super().__init__(db, schema.conversations, Conversation, label="conversation")
        c = self.table.c
        # One precompiled UPDATE for the hot path (several status writes per conversation while enriching).
        match = c.conversation_id == sa.bindparam("match_conversation_id")
        self._set = sa.update(self.table).where(match, *self.in_scope())

    def write_if_unchanged(self, conn: sa.Connection, row: Conversation, **values: Any) -> int:
        c = self.table.c
        new_version = row.row_version + 1
        where = sa.and_(c.conversation_id == row.conversation_id, c.row_version == row.row_version, *self.in_scope())
        update = sa.update(self.table).where(where).values(**values, row_version=new_version, updated_at=utcnow())
        if conn.execute(update).rowcount != 1:
            raise VersionConflict(
                f"'{row.conversation_name}' was changed by someone else meanwhile.", hint="Reload it and try again."
            )
        return new_version

    def headings(self, *, where: Where | None = None) -> list[ConversationHeading]:
        """The headings of the conversations matching ``where``, oldest first: a few columns each, not rows."""
        c = self.table.c
        # The generation parameters name the scaffolding only when the row's own keys do not (older rows):
        # read them only then (they are JSON to decode).
        keyless = sa.and_(c.persona_key.is_(None), c.emotional_arc_key.is_(None), c.topic_key.is_(None))
        parameters = sa.case((keyless, c.input_parameters), else_=sa.null()).label("input_parameters")
        columns = [parameters if name == "input_parameters" else c[name] for name in ConversationHeading.model_fields]
        query = sa.select(*columns).where(*self.clause(where)).order_by(c.created_at, self.pk)
        with self._read(None) as conn:
            result = conn.execute(query)
            keys = list(result.keys())
            return [ConversationHeading.model_validate(dict(zip(keys, row, strict=True))) for row in result]

    def id_in_use(self, conversation_id: str) -> bool:
        """Whether a conversation of any project (that this database user may see) has this id: ids are unique
        across projects, and a conversation's files are stored under its id."""
        taken = sa.select(sa.literal(1)).where(self.table.c.conversation_id == conversation_id).limit(1)
        with self._read(None) as c:
            return c.execute(taken).first() is not None

    def set_fields(self, conversation_id: str, *, conn: sa.Connection | None = None, **values: Any) -> None:
        params = {"match_conversation_id": conversation_id, "updated_at": utcnow(), **values}
        with self._conn(conn) as c:
            c.execute(self._set, params)
