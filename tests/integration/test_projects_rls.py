"""Projects on Postgres (m0014): each belongs to its owner; every signed-in user reads the shared first
project; reviewers read the projects shared with them, read-only; nobody signed out reads any."""

from __future__ import annotations

import pytest

from core.errors import AccessDeniedError, NotFoundError
from core.models.projects import DEFAULT_PROJECT_ID
from core.models.review import ReviewAction
from core.models.scaffolding import Persona
from core.projects import ProjectService
from core.storage.blobs import LocalBlobStore
from core.storage.database import Database
from core.storage.projects_repo import ProjectsRepo
from core.storage.rls import as_anon, as_user
from tests.integration.conftest import USER_A, USER_B, Rls

pytestmark = pytest.mark.postgres


def projects(db: Database, tmp_path: object) -> ProjectService:
    return ProjectService(ProjectsRepo(db), LocalBlobStore(tmp_path))  # type: ignore[arg-type]


def test_projects_are_their_owners_and_reviewers_read_the_shared_ones(rls: Rls, tmp_path: object) -> None:
    a, b = projects(rls.user(USER_A), tmp_path), projects(rls.user(USER_B), tmp_path)
    mine = a.create("Career coach")
    private = a.create("Private notes")
    a.update(private.slug, shared_with_reviewers=False)
    theirs = b.create("Career coach")  # slugs are unique per owner: B cannot even see A's
    assert (mine.slug, theirs.slug) == ("career-coach", "career-coach")
    assert rls.worker.projects.get(mine.id).created_by == USER_A  # stamped with the signed-in user

    assert [p.slug for p in a.list()] == ["default", "career-coach", "private-notes"]
    assert [p.id for p in b.list()] == [DEFAULT_PROJECT_ID, theirs.id]
    with pytest.raises(NotFoundError):
        b.get(private.id)
    assert rls.user(USER_B).projects.update_where({"id": mine.id}, name="Taken") == 0
    assert rls.user(USER_B).projects.update_where({"id": DEFAULT_PROJECT_ID}, name="Taken") == 0

    reviewer = projects(rls.reviewer(), tmp_path)
    assert {p.id for p in reviewer.list()} == {DEFAULT_PROJECT_ID, mine.id, theirs.id}
    assert rls.reviewer().projects.update_where({"id": mine.id}, name="Reviewed") == 0
    assert rls.worker.projects.get(mine.id).name == "Career coach"
    with pytest.raises(AccessDeniedError):  # signed out: no grant on projects at all
        as_anon(rls.app).projects.count()


def test_a_user_deletes_only_their_own_project(rls: Rls, tmp_path: object) -> None:
    # As the app runs: users' views share the app's own connection (which owns the tables, as workers use it);
    # history is append-only for users, so the owner's delete runs as the app once it is known to be theirs.
    a, b = projects(as_user(rls.worker, USER_A), tmp_path), projects(as_user(rls.worker, USER_B), tmp_path)
    mine = a.create("Career coach")
    with pytest.raises(NotFoundError):
        b.delete(mine.id, confirm_name="Career coach")
    rls.worker.projects.update(mine.id, shared_with_reviewers=True)
    with pytest.raises(AccessDeniedError, match="Only the person who made"):
        projects(rls.reviewer(), tmp_path).delete(mine.id, confirm_name="Career coach")
    coach = rls.user(USER_A).in_project(mine.id)
    coach.personas.add(Persona(persona_key="maya", name="Maya", archetype="The Planner"))  # type: ignore[call-arg]
    rls.worker.in_project(mine.id).review_actions.add(
        ReviewAction(conversation_id="c1", action="approved", performed_by="Ana", created_by=USER_A)
    )
    deleted = a.delete(mine.slug, confirm_name="Career coach")
    assert deleted == {"personas": 1, "review_actions": 1}
    assert rls.worker.projects.find(mine.id) is None
