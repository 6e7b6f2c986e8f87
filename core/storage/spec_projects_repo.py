"""The ``SpecProjectRows`` port (``core.storage.ports``) over ``spec_projects`` (m0012)."""

from __future__ import annotations

from typing import Any

from core.models.spec_project import SpecProject
from core.storage.database import Database


class SpecProjectsRepo:
    def __init__(self, db: Database) -> None:
        self._rows = db.spec_projects

    def add(self, project: SpecProject) -> SpecProject:
        return self._rows.add(project)

    def get(self, project_id: str) -> SpecProject:
        return self._rows.get(project_id)

    def newest_first(self) -> list[SpecProject]:
        return self._rows.list(order_by="updated_at", descending=True)

    def update(self, project_id: str, **changes: Any) -> SpecProject:
        return self._rows.update(project_id, **changes)
