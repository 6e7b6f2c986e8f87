"""m0021: each project whose clients already hold custom fields declares them (nothing goes out of sight of the
client form); a project without any declares none. On SQLite and on the real Postgres."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from core.models.projects import ClientField
from core.storage import migrations
from core.storage.database import Database, make_engine

BEFORE = "0019_client_goals"
NOW = "2024-05-01 10:00:00+00:00"
PERSONA = (
    "INSERT INTO personas (id, created_at, updated_at, persona_key, name, archetype, income_range, demographics,"
    " typical_questions, common_concerns, language_patterns, is_active, usage_count, project_id) VALUES"
    " (:id, :now, :now, :key, 'A client', 'x', :income, :demographics, '[]', '[]', '[]', true, 0, :project)"
)
PROJECT = (
    "INSERT INTO projects (id, created_at, updated_at, slug, name, description, domain, is_demo,"
    " shared_with_reviewers) VALUES (:id, :now, :now, :id, :id, '', '', false, true)"
)


def test_existing_custom_fields_are_declared_on_their_project(new_database: Callable[[], str]) -> None:
    url = new_database()
    engine = make_engine(url)
    migrations.upgrade(engine, until=BEFORE)
    with engine.begin() as conn:
        conn.execute(sa.text(PROJECT), {"id": "coach", "now": NOW})
        conn.execute(sa.text(PROJECT), {"id": "empty", "now": NOW})
        for pid, key, income, demographics, project in (
            ("p1", "a", "$62,000", '{"age": "33", "family status": "single"}', "default"),
            ("p2", "b", None, '{"career stage": "mid", "age": ""}', "coach"),
        ):
            conn.execute(
                sa.text(PERSONA),
                {"id": pid, "key": key, "income": income, "demographics": demographics, "project": project, "now": NOW},
            )
    migrations.upgrade(engine)
    engine.dispose()
    db = Database(url)
    declared = {p.id: p.client_fields for p in db.projects.list()}
    db.dispose()
    assert declared["default"] == [  # "age" is no custom field: every client has an age (range)
        ClientField(name="family_status", label="Family status"),
        ClientField(name="income_range", label="Income range"),
    ]
    assert declared["coach"] == [ClientField(name="career_stage", label="Career stage")]
    assert declared["empty"] == []
