"""The ``ScaffoldingRows`` port (``core.storage.scaffolding_repo``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import pytest

from core.errors import ConflictError, ValidationError
from core.models.scaffolding import EmotionalArc, Persona, TrainingTopic
from core.storage.database import Database
from core.storage.ports import ScaffoldingRows
from core.storage.scaffolding_repo import ScaffoldingRepo

OWNER = "11111111-1111-1111-1111-111111111111"


@pytest.fixture
def rows(db: Database) -> ScaffoldingRows:
    return ScaffoldingRepo(db)


def persona(key: str, name: str, **fields: object) -> Persona:
    return Persona(persona_key=key, name=name, archetype="The Planner", **fields)  # type: ignore[arg-type]


def test_names_by_key_for_each_kind(rows: ScaffoldingRows) -> None:
    rows.personas.add(persona("anxious_planner", "Maya Brooks"))
    rows.topics.add(TrainingTopic(topic_key="roth_ira", name="Roth IRA conversion"))  # type: ignore[call-arg]
    personas, arcs, topics = rows.names()
    assert personas == {"anxious_planner": "Maya Brooks"}
    assert arcs == {}
    assert topics == {"roth_ira": "Roth IRA conversion"}


def test_rows_of_a_kind_are_that_kinds_table(rows: ScaffoldingRows) -> None:
    rows.rows("personas").add(persona("dev_saver", "Dev Patel"))
    assert [p.name for p in rows.personas.list()] == ["Dev Patel"]
    assert rows.rows("arcs").count() == 0
    with pytest.raises(ValidationError, match="Unknown kind of scaffolding"):
        rows.rows("clients")


def test_a_key_is_unique_per_owner(rows: ScaffoldingRows) -> None:
    rows.personas.add(persona("dev_saver", "Shared Dev"))
    rows.personas.add(persona("dev_saver", "My Dev", created_by=OWNER))
    with pytest.raises(ConflictError, match="persona already exists"):
        rows.personas.add(persona("dev_saver", "Another of mine", created_by=OWNER))
    found = rows.personas.list(where={"persona_key": "dev_saver"}, order_by="name")
    assert [(p.name, p.created_by) for p in found] == [("My Dev", OWNER), ("Shared Dev", None)]


def test_an_arc_round_trips_its_intensity_bands(rows: ScaffoldingRows) -> None:
    arc = EmotionalArc.model_validate(
        {
            "arc_key": "fear_to_calm",
            "name": "Fear to calm",
            "starting_emotion": "fear",
            "ending_emotion": "calm",
            "starting_intensity_min": 0.7,
            "starting_intensity_max": 0.9,
            "ending_intensity_min": 0.2,
            "ending_intensity_max": 0.4,
        }
    )
    rows.arcs.add(arc)
    found = rows.arcs.find_by(arc_key="fear_to_calm")
    assert found is not None and (found.starting_intensity_max, found.ending_intensity_min) == (0.9, 0.2)
