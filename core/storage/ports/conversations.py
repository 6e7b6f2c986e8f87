"""The conversations port."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from core.errors import ConflictError
from core.models.conversation import Conversation
from core.storage.ports.base import Rows

if TYPE_CHECKING:
    from core.models.conversation import ConversationHeading
    from core.storage.ports.base import Connection, Where


class VersionConflict(ConflictError):
    """The conversation changed since it was read (another edit, enrichment or review got there first)."""


class ConversationRows(Rows[Conversation], Protocol):
    """Conversation rows and their versions (``row_version``: optimistic concurrency), of one project."""

    def write_if_unchanged(self, conn: Connection, row: Conversation, **values: Any) -> int:
        """Set ``values`` if the row still has ``row.row_version``; returns the new version, else raises
        ``VersionConflict`` changing nothing."""
        ...

    def set_fields(self, conversation_id: str, *, conn: Connection | None = None, **values: Any) -> None:
        """Set columns of one conversation, whatever its version (status writes of the enrichment pipeline)."""
        ...

    def headings(self, *, where: Where | None = None) -> list[ConversationHeading]:
        """The headings (name, scaffolding keys, enrichment state) of the conversations matching ``where``,
        oldest first: what a page listing every conversation needs, without reading whole rows."""
        ...

    def id_in_use(self, conversation_id: str) -> bool:
        """Whether a conversation of any project (that this user may see) has this id (ids are unique across
        projects and a conversation's files live under its id: an import must not write there)."""
        ...
