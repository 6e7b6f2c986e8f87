"""A project's custom client fields are stored with the project, on SQLite and on the real PostgreSQL.

A new project declares none; each project keeps its own; renaming a field moves the clients' values and the
prompts' placeholders along; removing one removes its values; a client saved with a field the project lacks
declares it (an old file's income range included).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.bootstrap import Services
from core.errors import ConflictError, ValidationError
from core.models.projects import ClientField
from core.settings import Settings
from core.storage.blobs import LocalBlobStore
from core.storage.database import Database

ARC = {"name": "Doubt → Momentum", "starting_emotion": "doubt", "ending_emotion": "momentum"}


@pytest.fixture
def services(db: Database, tmp_path: Path) -> Services:
    return Services(settings=Settings(data_dir=tmp_path / "data"), db=db, blobs=LocalBlobStore(tmp_path / "buckets"))


def test_a_new_project_declares_none_and_each_project_keeps_its_own(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coach").slug)
    tutor = services.in_project(services.projects.create("Tutor").slug)
    assert coach.client_fields.list() == [] and coach.project.client_fields == []
    coach.client_fields.add("Career stage", "Early, mid-career or late.")
    tutor.client_fields.add("School year")
    stored = services.projects.get(coach.project.slug).client_fields
    assert stored == [ClientField(name="career_stage", label="Career stage", help="Early, mid-career or late.")]
    assert [f.label for f in services.projects.get(tutor.project.slug).client_fields] == ["School year"]
    assert services.client_fields.list() == []


def test_renaming_a_field_moves_the_values_and_the_placeholders_and_removing_drops_the_values(
    services: Services,
) -> None:
    coach = services.in_project(services.projects.create("Career coach").slug)
    coach.client_fields.add("Career stage")
    coach.scaffolding.save(
        "personas", {"name": "Priya", "archetype": "The switcher", "demographics": {"career_stage": "mid"}}
    )
    coach.scaffolding.save("arcs", ARC)
    coach.scaffolding.save(
        "templates",
        {
            "template_name": "Opening",
            "emotional_arc_type": "doubt_momentum",
            "template_text": "Stage: {{ client_career_stage }}",
        },
    )
    renamed = coach.client_fields.change("career_stage", "Stage of career", "Where they are now.")
    assert (renamed.name, renamed.label) == ("stage_of_career", "Stage of career")
    assert coach.scaffolding.get("personas", "priya").demographics == {"stage_of_career": "mid"}
    assert coach.scaffolding.get("templates", "Opening").template_text == "Stage: {{ client_stage_of_career }}"
    with pytest.raises(ConflictError):
        coach.client_fields.add("Stage of career")
    with pytest.raises(ValidationError, match="general fields"):
        coach.client_fields.add("Occupation")
    assert coach.client_fields.remove("stage_of_career") == 1
    assert coach.client_fields.list() == []
    assert coach.scaffolding.get("personas", "priya").demographics == {}


def test_a_client_arriving_with_custom_fields_declares_them_and_an_old_income_range_too(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coach").slug)
    coach.scaffolding.save(
        "personas",
        {"name": "Old file", "archetype": "x", "income_range": "$80k", "demographics": {"family status": "married"}},
    )
    fields = {f.name: f.label for f in coach.client_fields.list()}
    assert fields == {"family_status": "Family status", "income_range": "Income range"}
    assert services.client_fields.list() == []  # the first project is untouched
