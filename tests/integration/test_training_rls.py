"""Training tables on Postgres: row-level security keeps each user's jobs, points and models their own (m0015)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from core.models.base import new_id
from core.models.training_jobs import TrainedModel, TrainingJob, TrainingMetric
from core.storage.database import Database
from core.storage.rls import as_user
from tests.support.postgres import PostgresServer
from tests.support.rls_databases import owner_and_user_databases

pytestmark = pytest.mark.postgres
USER_A, USER_B = new_id(), new_id()
DB_NAME = "brightrun_training_rls"


@pytest.fixture(scope="module")
def databases(postgres_server: PostgresServer) -> Iterator[tuple[Database, Database]]:
    with owner_and_user_databases(postgres_server, DB_NAME) as both:
        yield both


def _job(**fields: object) -> TrainingJob:
    return TrainingJob.model_validate(
        {"name": "Run", "backend": "local", "base_model": "tiny", "training_file_id": "f1"} | fields
    )


def test_a_user_reaches_only_their_own_training_rows(databases: tuple[Database, Database]) -> None:
    worker, app = databases
    theirs = worker.training_jobs.add(_job(name="B's", created_by=USER_B))
    worker.training_metrics.add(TrainingMetric(job_id=theirs.id, step=1, loss=2.0, created_by=USER_B))
    worker.trained_models.add(
        TrainedModel(
            name="B's model",
            base_model="tiny",
            backend="local",
            training_job_id=theirs.id,
            training_file_id="f1",
            created_by=USER_B,
        )
    )
    user_a = as_user(app, USER_A)
    mine = user_a.training_jobs.add(_job(name="A's"))
    user_a.training_metrics.add(TrainingMetric(job_id=mine.id, step=1, loss=1.0))

    assert worker.training_jobs.get(mine.id).created_by == USER_A  # stamped with the signed-in user
    assert worker.training_jobs.get(mine.id).project_id == "default"
    assert [j.name for j in user_a.training_jobs.list()] == ["A's"]
    assert [m.loss for m in user_a.training_metrics.list()] == [1.0]
    assert user_a.trained_models.list() == []
    assert user_a.training_jobs.update_where({"id": theirs.id}, name="taken") == 0
    assert worker.training_jobs.get(theirs.id).name == "B's"


def test_anon_has_no_grant_and_users_cannot_truncate(databases: tuple[Database, Database]) -> None:
    worker, _ = databases
    with worker.engine.connect() as conn:
        for table in ("training_jobs", "training_metrics", "trained_models"):
            anon = conn.execute(
                sa.text("SELECT has_table_privilege('anon', :t, 'SELECT')"), {"t": f"public.{table}"}
            ).scalar()
            truncate = conn.execute(
                sa.text("SELECT has_table_privilege('authenticated', :t, 'TRUNCATE')"), {"t": f"public.{table}"}
            ).scalar()
            assert (anon, truncate) == (False, False), table
