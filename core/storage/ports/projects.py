"""The projects port."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.models.jobs import BatchJob
    from core.models.projects import Project
    from core.storage.ports.base import Rows


class ProjectRows(Protocol):
    """Projects (a table of no project) and what each one holds."""

    @property
    def rows(self) -> Rows[Project]: ...

    @property
    def acting_user(self) -> str | None: ...

    def unfinished_jobs(self, project_id: str) -> list[BatchJob]:
        """The project's batch jobs that are queued, running or paused."""
        ...

    def file_paths(self, project_id: str) -> dict[str, list[str]]:
        """What the project's rows know of their files (see ``core.storage.projects_repo``)."""
        ...

    def project_of(self, table: str, record_id: str) -> str | None:
        """The project of one row (by ``id``) of ``table``, whichever project it is in."""
        ...

    def delete_everything(self, project_id: str) -> dict[str, int]:
        """Delete the project's rows from every table and the project itself (one transaction)."""
        ...
