"""Training file rows and their members: the ``TrainingFileRows`` port (``core.storage.ports``)."""

from __future__ import annotations

from typing import Any

from core.models.training import TrainingFile, TrainingFileConversation
from core.storage.database import Database
from core.storage.repository import Repository


class TrainingFilesRepo:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.files: Repository[TrainingFile] = db.training_files

    @property
    def acting_user(self) -> str | None:
        return self._db.acting_user

    def member_ids(self, file_id: str) -> list[str]:
        members = self._db.training_members.list(where={"training_file_id": file_id}, order_by="created_at")
        return [m.conversation_id for m in members]

    def files_holding(self, conversation_id: str) -> list[TrainingFile]:
        members = self._db.training_members.list(where={"conversation_id": conversation_id})
        if not members:
            return []
        ids = list(dict.fromkeys(m.training_file_id for m in members))
        return self.files.list(where={"id": ids}, order_by="created_at")

    def present(self, file_id: str, conversation_ids: list[str]) -> set[str]:
        if not conversation_ids:
            return set()
        found = self._db.training_members.list(where={"training_file_id": file_id, "conversation_id": conversation_ids})
        return {m.conversation_id for m in found}

    def create(self, row: TrainingFile, members: list[TrainingFileConversation]) -> TrainingFile:
        with self._db.transaction() as conn:
            self.files.add(row, conn=conn)
            self._db.training_members.add_many(members, conn=conn)
        return row

    def extend(self, file_id: str, members: list[TrainingFileConversation], **changes: Any) -> TrainingFile:
        with self._db.transaction() as conn:
            updated = self.files.update(file_id, conn=conn, **changes)
            self._db.training_members.add_many(members, conn=conn)
        return updated
