"""A row's project decides who reaches it, on the real Postgres (m0020): a user writes only into their own
projects (or the shared first project); reviewers read and review only the projects shared with them."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from core.errors import AccessDeniedError, NotFoundError
from core.models.conversation import Conversation
from core.models.jobs import BatchJob
from core.models.projects import Project
from core.models.review import ReviewGrade, TurnRating
from core.models.scaffolding import Persona
from core.projects import ProjectService
from core.storage.blobs import LocalBlobStore
from core.storage.migrations.m0020_project_row_security import POLICIES
from core.storage.projects_repo import ProjectsRepo
from tests.integration.conftest import REVIEWER_EMAIL, USER_A, USER_B, Rls

pytestmark = pytest.mark.postgres


def _project(rls: Rls, owner: str, name: str, tmp_path: Path, *, shared: bool = True) -> Project:
    service = ProjectService(ProjectsRepo(rls.user(owner)), LocalBlobStore(tmp_path))
    made = service.create(name)
    return made if shared else service.update(made.slug, shared_with_reviewers=False)


def _persona(key: str) -> Persona:
    return Persona(persona_key=key, name=key.title(), archetype="The Planner")  # type: ignore[call-arg]


def _grade(conversation_id: str) -> ReviewGrade:
    scores = dict.fromkeys(("overall", "empathy", "clarity", "appropriateness", "expert_voice"), 4)
    return ReviewGrade(conversation_id=conversation_id, graded_by=REVIEWER_EMAIL, **scores)


def test_every_table_with_a_project_column_has_the_project_policies(rls: Rls) -> None:
    """A table a later migration adds with ``project_id`` fails here until it gets m0020's policies."""
    query = """
        SELECT c.table_name, k.relrowsecurity,
               array_remove(array_agg(p.policyname::text ORDER BY p.policyname), NULL) AS policies
        FROM information_schema.columns c
        JOIN pg_class k ON k.relname = c.table_name AND k.relnamespace = 'public'::regnamespace AND k.relkind = 'r'
        LEFT JOIN pg_policies p ON p.schemaname = 'public' AND p.tablename = c.table_name
             AND p.permissive = 'RESTRICTIVE'
        WHERE c.table_schema = 'public' AND c.column_name = 'project_id'
        GROUP BY 1, 2 ORDER BY 1"""
    with rls.worker.transaction() as conn:
        rows = conn.execute(sa.text(query)).all()
    tables = {row.table_name for row in rows}
    assert {"conversations", "personas", "review_grades", "training_jobs", "evaluation_runs"} <= tables
    problems = [
        f"{row.table_name}: row-level security {'on' if row.relrowsecurity else 'OFF'}, "
        f"missing {sorted(set(POLICIES) - set(row.policies))}"
        for row in rows
        if not row.relrowsecurity or not set(POLICIES) <= set(row.policies)
    ]
    assert not problems, (
        "Tables with project_id but without the project policies (call m0020's protect_project_rows in the "
        "migration that adds them):\n" + "\n".join(problems)
    )


def test_a_user_cannot_file_rows_under_another_users_project(rls: Rls, tmp_path: Path) -> None:
    coach = _project(rls, USER_A, "Career coach", tmp_path)
    as_b = rls.user(USER_B)
    in_a = as_b.in_project(coach.id)
    with pytest.raises(AccessDeniedError, match="row-level security"):
        in_a.conversations.add(Conversation(conversation_name="planted"))
    with pytest.raises(AccessDeniedError, match="row-level security"):
        in_a.personas.add(_persona("planted"))
    with pytest.raises(AccessDeniedError, match="row-level security"):
        in_a.jobs.add(BatchJob(name="planted"))
    assert rls.worker.in_project(coach.id).conversations.count() == 0
    assert rls.worker.in_project(coach.id).personas.count() == 0

    # B's own rows in B's own project and in the shared first project are fine.
    own = _project(rls, USER_B, "Tutoring", tmp_path)
    as_b.in_project(own.id).conversations.add(Conversation(conversation_name="b in b"))
    shared_first = as_b.conversations.add(Conversation(conversation_name="b in first"))
    # ... but none of them can be moved into A's project.
    unbound = as_b.in_project(None)
    with pytest.raises(AccessDeniedError, match="row-level security"):
        unbound.conversations.update(shared_first.conversation_id, project_id=coach.id)
    assert rls.worker.conversations.get(shared_first.conversation_id).project_id == "default"
    # A, the owner, writes and reads in her own project.
    as_a = rls.user(USER_A).in_project(coach.id)
    as_a.personas.add(_persona("maya"))
    assert [p.persona_key for p in as_a.personas.list()] == ["maya"]
    assert as_b.in_project(coach.id).personas.count() == 0


def test_reviewers_read_and_review_only_the_projects_shared_with_them(rls: Rls, tmp_path: Path) -> None:
    shared = _project(rls, USER_A, "Shared with reviewers", tmp_path)
    private = _project(rls, USER_A, "Private", tmp_path, shared=False)
    seen = rls.worker.in_project(shared.id).conversations.add(Conversation(created_by=USER_A, conversation_name="s"))
    hidden = rls.worker.in_project(private.id).conversations.add(Conversation(created_by=USER_A, conversation_name="p"))
    reviewer = rls.reviewer()
    assert [c.conversation_name for c in reviewer.in_project(shared.id).conversations.list()] == ["s"]
    assert reviewer.in_project(private.id).conversations.count() == 0
    assert {c.conversation_name for c in reviewer.in_project(None).conversations.list()} == {"s"}
    # The owner sees both.
    assert rls.user(USER_A).in_project(private.id).conversations.count() == 1

    # Review writes: only in the shared project, and never for a conversation of another project.
    reviewer.in_project(shared.id).conversations.update(seen.conversation_id, review_status="approved")
    assert (
        reviewer.in_project(private.id).conversations.update_where(
            {"conversation_id": hidden.conversation_id}, review_status="approved"
        )
        == 0
    )
    rating = TurnRating(conversation_id=seen.conversation_id, turn_number=1, rating="good", rated_by=REVIEWER_EMAIL)
    reviewer.in_project(shared.id).turn_ratings.add(rating)
    with pytest.raises(AccessDeniedError, match="row-level security"):
        reviewer.in_project(private.id).review_grades.add(_grade(hidden.conversation_id))
    with pytest.raises(AccessDeniedError, match="row-level security"):  # labelled with the shared project
        reviewer.in_project(shared.id).review_grades.add(_grade(hidden.conversation_id))
    assert rls.worker.in_project(None).conversations.get(hidden.conversation_id).review_status == "pending_review"
    assert rls.worker.in_project(None).review_grades.count() == 0

    # Unsharing takes the project away from reviewers at once; a plain user never reads it.
    rls.user(USER_A).projects.update(shared.id, shared_with_reviewers=False)
    assert reviewer.in_project(shared.id).conversations.count() == 0
    assert reviewer.in_project(shared.id).turn_ratings.count() == 0
    assert rls.user(USER_B).in_project(shared.id).conversations.count() == 0


def test_a_reviewer_files_their_own_rows_only_in_their_own_projects(rls: Rls, tmp_path: Path) -> None:
    shared = _project(rls, USER_A, "Shared with reviewers", tmp_path)
    with pytest.raises(AccessDeniedError, match="row-level security"):
        rls.reviewer().in_project(shared.id).conversations.add(Conversation(conversation_name="reviewer's"))
    with pytest.raises(AccessDeniedError, match="row-level security"):
        rls.reviewer().in_project(shared.id).personas.add(_persona("reviewers_own"))
    assert rls.worker.in_project(shared.id).conversations.count() == 0


def test_only_the_owner_changes_whether_reviewers_see_a_project(rls: Rls, tmp_path: Path) -> None:
    coach = _project(rls, USER_A, "Career coach", tmp_path)
    as_reviewer = ProjectService(ProjectsRepo(rls.reviewer()), LocalBlobStore(tmp_path))
    assert not as_reviewer.can_change(as_reviewer.get(coach.id))
    with pytest.raises(AccessDeniedError, match="Only the person who made"):
        as_reviewer.share_with_reviewers(coach.id, False)
    owner = ProjectService(ProjectsRepo(rls.user(USER_A)), LocalBlobStore(tmp_path))
    assert owner.share_with_reviewers(coach.slug, False).shared_with_reviewers is False
    with pytest.raises(NotFoundError):  # now the reviewer does not even see it
        as_reviewer.get(coach.id)
