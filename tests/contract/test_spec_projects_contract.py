"""The ``SpecProjectRows`` port (``core.storage.spec_projects_repo``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import time

import pytest

from core.errors import NotFoundError
from core.models.projects import Project
from core.models.spec_project import SpecProject
from core.storage.database import Database
from core.storage.ports import SpecProjectRows
from core.storage.spec_projects_repo import SpecProjectsRepo


@pytest.fixture
def rows(db: Database) -> SpecProjectRows:
    return SpecProjectsRepo(db)


def test_add_get_and_update_keep_inputs_steps_and_files(rows: SpecProjectRows) -> None:
    made = rows.add(SpecProject(name="Billing", abbrev="BIL"))
    assert rows.get(made.id) == made
    changed = rows.update(made.id, inputs={"structured": {"name": "a.md"}}, steps={"merge": {"status": "done"}})
    assert changed.inputs == {"structured": {"name": "a.md"}} and changed.steps == {"merge": {"status": "done"}}
    rows.update(made.id, files={"INDEX.md": "# Index"}, ordered=False)
    again = rows.get(made.id)
    assert (again.files, again.ordered, again.inputs) == ({"INDEX.md": "# Index"}, False, changed.inputs)
    with pytest.raises(NotFoundError):
        rows.get("no such spec project")


def test_the_most_recently_changed_comes_first_in_its_project_only(db: Database, rows: SpecProjectRows) -> None:
    first = rows.add(SpecProject(name="First", abbrev="FST"))
    rows.add(SpecProject(name="Second", abbrev="SND"))
    time.sleep(0.01)
    rows.update(first.id, model="claude-x")  # changed last
    assert [p.name for p in rows.newest_first()] == ["First", "Second"]
    db.projects.add(Project(id="p-coach", slug="coach", name="Career coach"))
    coach = SpecProjectsRepo(db.in_project("p-coach"))
    assert coach.newest_first() == []
    with pytest.raises(NotFoundError):
        coach.get(first.id)
