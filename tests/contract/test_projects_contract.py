"""Projects keep their work apart, on SQLite and on the real PostgreSQL.

Two projects hold records with the same keys, names and content; every port bound to one project sees, changes
and deletes only that project's rows. ``ProjectService`` makes slugs, finds projects, and deletes one with
everything in it (rows and files), refusing a wrong name or a project whose batch job has not ended.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.bootstrap import Services
from core.demo import demo_files
from core.errors import ConflictError, NotFoundError, ValidationError
from core.models.failures import FailureFilters
from core.models.jobs import BatchJob
from core.models.logs import FailedGeneration, GenerationLog
from core.models.projects import DEFAULT_PROJECT_ID
from core.models.review import ReviewAction
from core.models.review_grid import GridFilters, GridQuery
from core.models.scaffolding import Persona, PromptTemplate
from core.models.statuses import Job
from core.models.training import TrainingFile
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES, TRAINING_FILES, LocalBlobStore
from core.storage.conversations_repo import VersionConflict
from core.storage.database import Database
from core.storage.failures_repo import FailuresRepo
from core.storage.review_grid_repo import ReviewGridRepo
from core.storage.review_log_repo import ReviewLogRepo
from core.storage.spend import spend_rows


@pytest.fixture
def services(db: Database, tmp_path: Path) -> Services:
    return Services(settings=Settings(data_dir=tmp_path / "data"), db=db, blobs=LocalBlobStore(tmp_path / "buckets"))


def persona(key: str, name: str) -> Persona:
    return Persona(persona_key=key, name=name, archetype="The Planner")  # type: ignore[call-arg]


def template(name: str) -> PromptTemplate:
    return PromptTemplate(
        template_name=name, tier="template", emotional_arc_type="any", template_text="Talk about {{ persona_name }}."
    )  # type: ignore[call-arg]


def test_two_projects_hold_the_same_keys_and_names_and_each_sees_only_its_own(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coach").slug)
    first = services
    for svc, name in ((first, "Maya in the first project"), (coach, "Maya the coach's client")):
        svc.db.personas.add(persona("maya", name))
        svc.db.templates.add(template("Opening"))
        svc.db.training_files.add(TrainingFile(name="Set one"))
    assert [p.name for p in first.db.personas.list()] == ["Maya in the first project"]
    assert [p.name for p in coach.db.personas.list()] == ["Maya the coach's client"]
    assert first.db.personas.count() == coach.db.personas.count() == 1
    assert {p.project_id for p in coach.db.personas.list()} == {coach.project_id}
    assert [t.name for t in coach.db.training_files.list()] == ["Set one"]
    # Ids of another project are out of reach: not found, not changed, not deleted.
    theirs = first.db.personas.list()[0]
    assert coach.db.personas.find(theirs.id) is None
    with pytest.raises(NotFoundError):
        coach.db.personas.update(theirs.id, name="Renamed")
    coach.db.personas.delete(theirs.id)
    assert coach.db.personas.update_where({"persona_key": "maya"}, name="Only mine") == 1
    assert first.db.personas.get(theirs.id).name == "Maya in the first project"
    # The unique rules hold inside a project.
    with pytest.raises(ConflictError):
        coach.db.personas.add(persona("maya", "A second Maya"))


def test_the_same_file_imports_into_two_projects_and_every_reader_sees_only_its_project(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coach").slug)
    path = demo_files()[0]
    mine = services.importer.import_path(path).imported
    theirs = coach.importer.import_path(path).imported
    assert len(mine) == len(theirs) == 1 and mine != theirs
    assert [c.conversation_id for c in coach.db.conversations.list()] == theirs
    assert services.db.conversations.find(theirs[0]) is None
    # The review grid, its queue and its pickers.
    assert [r.conversation_id for r in ReviewGridRepo(coach.db).page(GridQuery()).rows] == theirs
    assert ReviewGridRepo(coach.db).ordered_ids(GridQuery()) == theirs
    grid, first_grid = ReviewGridRepo(coach.db), ReviewGridRepo(services.db)
    assert grid.matching_ids(GridFilters(), theirs + mine) == set(theirs)
    assert grid.day_progress(GridFilters(), datetime(2000, 1, 1, tzinfo=UTC)) == (0, 1)
    assert grid.filter_options() == first_grid.filter_options()  # the same file: the same keys, each its own
    # Writes by id stop at the project's edge.
    coach.db.conversations.set_fields(mine[0], conversation_name="Renamed from elsewhere")
    assert services.db.conversations.get(mine[0]).conversation_name != "Renamed from elsewhere"
    with pytest.raises(VersionConflict), coach.db.transaction() as conn:
        coach.db.conversations.write_if_unchanged(conn, services.db.conversations.get(mine[0]), is_active=False)
    assert services.db.conversations.get(mine[0]).is_active
    # The review history.
    coach.review_log.add_action(ReviewAction(conversation_id=theirs[0], action="approved", performed_by="Ana"))
    assert ReviewLogRepo(services.db).history(theirs[0]) == []
    assert len(ReviewLogRepo(coach.db).history(theirs[0])) == 1
    # Stats and exports count only the project's conversations.
    assert coach.stats().conversations == services.stats().conversations == 1


def test_failures_jobs_and_spend_stay_in_their_project(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coach").slug)
    coach.db.failures.add(FailedGeneration(failure_type="truncation", model="m"))
    coach.db.jobs.add(BatchJob(name="Coach job", total_items=1))
    with coach.db.transaction() as conn:
        coach.call_log.insert(conn, GenerationLog(model="claude", cost_usd=0.5))
    assert FailuresRepo(coach.db).page(FailureFilters()).total == 1
    assert FailuresRepo(services.db).page(FailureFilters()).total == 0
    assert FailuresRepo(services.db).filter_options()["failure_type"] == []
    assert [j.name for j in coach.batch.list()] == ["Coach job"]
    assert services.batch.list() == []
    assert [r.cost_usd for r in spend_rows(coach.db)] == [0.5]
    assert spend_rows(services.db) == []
    assert (coach.cost_report().total_usd, services.cost_report().total_usd) == (0.5, 0.0)


def test_projects_get_unique_slugs_and_plain_errors(services: Services) -> None:
    first = services.projects.create("Career coach: Priya's clients", description="Helps people change jobs.")
    second = services.projects.create("Career coach: Priya's clients")
    assert (first.slug, second.slug) == ("career-coach-priya-s-clients", "career-coach-priya-s-clients-2")
    assert services.projects.list()[0].slug == "default"
    assert services.projects.get(first.slug).description == "Helps people change jobs."
    assert services.project.id == DEFAULT_PROJECT_ID
    assert services.in_project(first.slug).project.name == "Career coach: Priya's clients"
    with pytest.raises(NotFoundError, match="There is no project 'nope'"):
        services.projects.get("nope")
    with pytest.raises(ValidationError):
        services.projects.create("   ")


def test_deleting_a_project_takes_its_rows_and_files_and_nothing_else(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coach").slug)
    path = demo_files()[0]
    services.importer.import_path(path)
    coach.importer.import_path(path)
    coach.db.personas.add(persona("maya", "Maya"))
    kept = services.blobs.list(CONVERSATION_FILES)
    coach_files = [p for p in kept if coach.db.conversations.list()[0].conversation_id in p]
    assert coach_files
    with pytest.raises(ValidationError, match="Type the project's name"):
        services.projects.delete("career-coach", confirm_name="Career")
    job = coach.db.jobs.add(BatchJob(name="Nightly", total_items=1, status=Job.PROCESSING))
    with pytest.raises(ConflictError, match="batch job that is not finished"):
        services.projects.delete("career-coach", confirm_name="Career coach")
    coach.db.jobs.update(job.id, status=Job.COMPLETED)
    deleted = services.projects.delete("career-coach", confirm_name="Career coach")
    assert deleted["conversations"] == 1 and deleted["personas"] == 1
    with pytest.raises(NotFoundError):
        services.projects.get("career-coach")
    assert services.db.in_project(coach.project_id).conversations.count() == 0
    assert services.db.conversations.count() == 1
    left = services.blobs.list(CONVERSATION_FILES)
    assert not [p for p in left if p in coach_files]
    assert len(left) == len(kept) - len(coach_files)


def test_the_first_project_cannot_be_deleted(services: Services) -> None:
    with pytest.raises(ValidationError, match="first project"):
        services.projects.delete("default", confirm_name="My first project")


def test_the_demo_is_its_own_project_loaded_once_and_deleted_in_one_step(services: Services) -> None:
    from core.demo.project import DEMO_PROJECT_NAME, load_demo_project

    demo, _ = load_demo_project(services)
    assert (demo.slug, demo.name, demo.is_demo) == ("demo", DEMO_PROJECT_NAME, True)
    inside = services.in_project(demo.slug)
    count = inside.db.conversations.count()
    assert count >= 12 and inside.db.training_files.count() == 1
    assert services.db.conversations.count() == services.db.personas.count() == 0
    again, added = load_demo_project(services)
    assert added.conversations_added == 0
    assert again.id == demo.id and inside.db.conversations.count() == count
    assert [p.slug for p in services.projects.list()] == ["default", "demo"]
    assert services.blobs.list(TRAINING_FILES) and services.blobs.list(CONVERSATION_FILES)
    services.projects.delete("demo", confirm_name=DEMO_PROJECT_NAME)
    assert [p.slug for p in services.projects.list()] == ["default"]
    assert services.db.in_project(demo.id).conversations.count() == 0
    assert (services.blobs.list(TRAINING_FILES), services.blobs.list(CONVERSATION_FILES)) == ([], [])
