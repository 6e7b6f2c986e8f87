"""Every table of the app belongs to projects (m0014): a ``project_id`` column, indexed, and every table is
emptied when its project is deleted. A table added later without it fails here."""

from __future__ import annotations

from core.storage import schema
from core.storage.projects_repo import project_tables

OUTSIDE_PROJECTS = {"projects", "schema_migrations"}


def test_every_table_but_the_projects_themselves_carries_an_indexed_project_id() -> None:
    tables = [t for t in schema.metadata.sorted_tables if t.name not in OUTSIDE_PROJECTS]
    missing = [t.name for t in tables if "project_id" not in t.c]
    unindexed = [t.name for t in tables if not any(next(iter(i.columns)).name == "project_id" for i in t.indexes)]
    assert (missing, unindexed) == ([], [])
    assert {t.name for t in project_tables()} == {t.name for t in tables}
