"""Every upgrade path ends at the models: from each step to the last, on SQLite and on the real Postgres.

A database is built up to one migration, given rows, then upgraded step by step. Its shape (tables, columns,
types, nullability, indexes and uniques, CHECK values) must equal that of a database made by the models
(``schema.metadata.create_all``) and that of a fresh database upgraded in one go. A model that gains a
column or a status value without a migration fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.storage import migrations, schema
from core.storage.database import Database, make_engine
from tests.support.schema_shape import differences, shape

STEPS = [name for name, _ in migrations.all_migrations()]
MIGRATIONS_DIR = Path(migrations.__file__).parent
NOW = "2024-05-01 10:00:00+00:00"

# Rows as the first step's tables stood (columns written out, so later model changes cannot alter them).
FIRST_STEP_ROWS = (
    "INSERT INTO personas (id, created_at, updated_at, persona_key, name, archetype, demographics,"
    " typical_questions, common_concerns, language_patterns, is_active, usage_count) VALUES"
    " ('p1', :now, :now, 'early_saver', 'Early Saver', 'saver', '{}', '[]', '[]', '[]', true, 0)",
    "INSERT INTO conversations (id, created_by, created_at, updated_at, conversation_id, conversation_name, source,"
    " source_hash, tier, turn_count, review_status, processing_status, parse_attempts, requires_manual_review,"
    " is_truncated, enrichment_status, enrichment_version, search_text, is_active) VALUES"
    " ('c1', 'user-a', :now, :now, 'conv-1', 'First', 'imported', 'hash-1', 'template', 2, 'pending_review',"
    " 'parsed', 1, false, false, 'not_started', 'v1', 'first', true)",
    "INSERT INTO batch_jobs (id, created_by, created_at, updated_at, name, job_type, status, priority, mode,"
    " total_items, completed_items, successful_items, failed_items, cancelled_items, concurrency, error_handling,"
    " cost_usd, input_tokens, output_tokens, shared_parameters, message_batch_ids) VALUES"
    " ('j1', 'user-a', :now, :now, 'Nightly', 'generation', 'queued', 'normal', 'online', 1, 0, 0, 0, 0, 2,"
    " 'continue', 0, 0, 0, '{}', '[]')",
    "INSERT INTO batch_items (id, created_at, updated_at, job_id, position, status, parameters, attempts, cost_usd)"
    " VALUES ('i1', :now, :now, 'j1', 1, 'queued', '{}', 0, 0)",
    "INSERT INTO training_files (id, created_by, created_at, updated_at, name, storage_bucket, json_file_path,"
    " jsonl_file_path, conversation_count, total_training_pairs, human_reviewed_count, scaffolding_distribution,"
    " status, last_updated_at) VALUES ('t1', 'user-a', :now, :now, 'Set one', 'training-files', 'a.json',"
    " 'a.jsonl', 0, 0, 0, '{}', 'active', :now)",
)


def _shape_of(url: str) -> dict[str, dict[str, object]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return shape(conn)
    finally:
        engine.dispose()


_MODELS_SHAPE: dict[str, dict[str, dict[str, object]]] = {}


def _models_shape(url: str, metadata: sa.MetaData = schema.metadata) -> dict[str, dict[str, object]]:
    """The shape of a database made by ``metadata.create_all`` (the models' one is made once per backend)."""
    backend = url.split(":", 1)[0]
    if metadata is schema.metadata and backend in _MODELS_SHAPE:
        return _MODELS_SHAPE[backend]
    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    found = _shape_of(url)
    if metadata is schema.metadata:
        _MODELS_SHAPE[backend] = found
    return found


def _policies(url: str) -> set[tuple[str, str]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = {
            (r.tablename, r.policyname) for r in conn.execute(sa.text("SELECT tablename, policyname FROM pg_policies"))
        }
    engine.dispose()
    return found


@pytest.mark.parametrize("start", STEPS)
def test_a_database_built_at_any_step_upgrades_to_what_the_models_describe(
    new_database: Callable[[], str], start: str
) -> None:
    old = new_database()
    engine = make_engine(old)
    assert migrations.upgrade(engine, until=start)[-1] == start
    assert migrations.upgrade(engine) == STEPS[STEPS.index(start) + 1 :]
    engine.dispose()
    upgraded, models = _shape_of(old), _models_shape(new_database())
    assert differences(upgraded, models) == []


def test_a_fresh_database_and_one_upgraded_step_by_step_agree_with_rows_kept(
    new_database: Callable[[], str],
) -> None:
    old, fresh = new_database(), new_database()
    engine = make_engine(old)
    migrations.upgrade(engine, until=STEPS[0])
    with engine.begin() as conn:
        for statement in FIRST_STEP_ROWS:
            conn.execute(sa.text(statement), {"now": NOW})
    for step in STEPS[1:]:
        assert migrations.upgrade(engine, until=step) == [step]
        with engine.connect() as conn:
            counts = [
                conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("conversations", "batch_items")
            ]
        assert counts == [1, 1], f"rows lost at {step}"
    engine.dispose()
    fresh_db = Database(fresh)
    fresh_db.upgrade()
    fresh_db.dispose()
    assert differences(_shape_of(old), _shape_of(fresh)) == []
    if old.startswith("postgresql"):
        assert _policies(old) == _policies(fresh)
    db = Database(old)  # the models read what the first step stored
    item = db.items.get("i1")
    assert (item.input_tokens, item.output_tokens, item.message_batch_id) == (0, 0, None)
    assert db.conversations.get("conv-1").source_hash == "hash-1"
    assert db.personas.get("p1").persona_key == "early_saver"
    assert db.training_files.get("t1").name == "Set one"
    db.dispose()


def _metadata_with(change: Callable[[sa.MetaData], None]) -> sa.MetaData:
    copy = sa.MetaData()
    for table in schema.metadata.sorted_tables:
        table.to_metadata(copy)
    change(copy)
    return copy


def _new_column(metadata: sa.MetaData) -> None:
    metadata.tables["conversations"].append_column(sa.Column("mood", sa.Text, nullable=True))


def _new_status(metadata: sa.MetaData) -> None:
    table = metadata.tables["batch_jobs"]
    (check,) = [c for c in table.constraints if c.name == "ck_batch_jobs_status"]
    table.constraints.remove(check)
    sqltext = str(check.sqltext).replace("'paused'", "'paused', 'draining'")  # type: ignore[attr-defined]
    table.append_constraint(sa.CheckConstraint(sqltext, name="ck_batch_jobs_status"))


@pytest.mark.parametrize("change", [_new_column, _new_status], ids=["column", "status value"])
def test_a_model_change_without_a_migration_is_caught(tmp_path: Path, change: Callable[[sa.MetaData], None]) -> None:
    migrated = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    migrated_db = Database(migrated)
    migrated_db.upgrade()
    migrated_db.dispose()
    found = differences(
        _shape_of(migrated), _models_shape(f"sqlite:///{tmp_path / 'models.sqlite3'}", _metadata_with(change))
    )
    assert found, "the comparison did not notice a model change"
    assert any(("mood" in line) or ("draining" in line) for line in found)


def test_no_migration_builds_its_ddl_from_the_models() -> None:
    for path in sorted(MIGRATIONS_DIR.glob("m[0-9][0-9][0-9][0-9]_*.py")):
        source = path.read_text()
        assert not re.search(r"create_all|\.create\(|core\.storage\.schema|import schema|core\.models", source), (
            f"{path.name} builds DDL from today's models; write it out (core.storage.migrations.ddl)"
        )
