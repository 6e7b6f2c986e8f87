"""Spec projects on Postgres: row-level security keeps each user's projects their own (m0012)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.models.base import new_id
from core.models.spec_project import SpecProject
from core.storage.database import Database
from core.storage.rls import as_user
from tests.support.postgres import PostgresServer
from tests.support.rls_databases import owner_and_user_databases

pytestmark = pytest.mark.postgres
USER_A, USER_B = new_id(), new_id()


@pytest.fixture(scope="module")
def databases(postgres_server: PostgresServer) -> Iterator[tuple[Database, Database]]:
    with owner_and_user_databases(postgres_server, "brightrun_spec_rls") as both:
        yield both


def test_a_user_sees_and_changes_only_their_own_spec_projects(databases: tuple[Database, Database]) -> None:
    worker, app = databases
    theirs = worker.spec_projects.add(SpecProject(name="B's", abbrev="b", created_by=USER_B))
    mine = as_user(app, USER_A).spec_projects.add(SpecProject(name="A's", abbrev="a"))

    assert worker.spec_projects.get(mine.id).created_by == USER_A  # stamped with the signed-in user
    assert [p.name for p in as_user(app, USER_A).spec_projects.list()] == ["A's"]
    assert as_user(app, USER_A).spec_projects.update_where({"id": theirs.id}, name="taken") == 0
    assert worker.spec_projects.get(theirs.id).name == "B's"
