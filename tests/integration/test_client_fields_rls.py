"""Only a project's owner changes the fields its clients have, on the real Postgres with row-level security:
another user does not even see the project; a reviewer of a shared one reads its fields and is refused a change
in plain words (a field a client arrives with is then not declared: the client keeps its value)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import AccessDeniedError, NotFoundError
from core.projects import ProjectService
from core.scaffolding.client_fields import ClientFieldsService
from core.storage.blobs import LocalBlobStore
from core.storage.database import Database
from core.storage.projects_repo import ProjectsRepo
from tests.integration.conftest import USER_A, USER_B, Rls

pytestmark = pytest.mark.postgres


def _fields(db: Database, project_id: str, tmp_path: Path) -> ClientFieldsService:
    from core.bootstrap.wiring import scaffolding_service

    projects = ProjectService(ProjectsRepo(db), LocalBlobStore(tmp_path))
    scaffolding = scaffolding_service(db.in_project(project_id))
    return ClientFieldsService(
        read=lambda: projects.by_id(project_id).client_fields,
        write=lambda fields: projects.set_client_fields(project_id, fields),
        scaffolding=scaffolding,
    )


def test_only_the_owner_changes_the_clients_fields(rls: Rls, tmp_path: Path) -> None:
    coach = ProjectService(ProjectsRepo(rls.user(USER_A)), LocalBlobStore(tmp_path)).create("Career coach")
    mine = _fields(rls.user(USER_A), coach.id, tmp_path)
    mine.add("Career stage")
    assert [f.label for f in mine.list()] == ["Career stage"]
    with pytest.raises(NotFoundError):  # another user does not even see it
        _fields(rls.user(USER_B), coach.id, tmp_path).add("Shoe size")
    reviewer = _fields(rls.reviewer(), coach.id, tmp_path)  # shared with reviewers: read, never changed
    assert [f.label for f in reviewer.list()] == ["Career stage"]
    with pytest.raises(AccessDeniedError, match="Only the person who made"):
        reviewer.add("Shoe size")
    assert reviewer.declare(["shoe_size"]) == []
    assert [f.name for f in ProjectsRepo(rls.worker).rows.get(coach.id).client_fields] == ["career_stage"]
