"""The training files port."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from core.models.training import TrainingFile, TrainingFileConversation
    from core.storage.ports.base import Rows


class TrainingFileRows(Protocol):
    """Training file rows and their members (in the order they were added)."""

    @property
    def files(self) -> Rows[TrainingFile]: ...

    @property
    def acting_user(self) -> str | None:
        """The signed-in user these rows are read and written as (their files are theirs); ``None`` for system work."""
        ...

    def member_ids(self, file_id: str) -> list[str]: ...

    def files_holding(self, conversation_id: str) -> list[TrainingFile]:
        """The training files (any status) that hold ``conversation_id``, oldest first."""
        ...

    def present(self, file_id: str, conversation_ids: list[str]) -> set[str]:
        """Which of ``conversation_ids`` are members already."""
        ...

    def create(self, row: TrainingFile, members: list[TrainingFileConversation]) -> TrainingFile:
        """The row and its members, in one transaction."""
        ...

    def extend(self, file_id: str, members: list[TrainingFileConversation], **changes: Any) -> TrainingFile:
        """Add ``members`` and change the row (its counts), in one transaction."""
        ...
