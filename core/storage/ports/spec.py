"""The spec projects port: the spec page's saved pipelines (table ``spec_projects``, m0012)."""

from __future__ import annotations

from typing import Any, Protocol

from core.models.spec_project import SpecProject


class SpecProjectRows(Protocol):
    """Spec projects of one project (the app's), each with its inputs, steps and files."""

    def add(self, project: SpecProject) -> SpecProject: ...

    def get(self, project_id: str) -> SpecProject:
        """The spec project, else ``NotFoundError``."""
        ...

    def newest_first(self) -> list[SpecProject]:
        """Every spec project, the most recently changed first."""
        ...

    def update(self, project_id: str, **changes: Any) -> SpecProject:
        """Change fields (validated through ``SpecProject``); returns the row as stored."""
        ...
