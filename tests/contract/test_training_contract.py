"""The ``TrainingRows`` port (``core.storage.training_repo``) on SQLite and on the real PostgreSQL: leases fence
every write of a running job, a lapsed lease can be taken over, and points come back in step order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.models.base import utcnow
from core.models.projects import Project
from core.models.statuses import Training
from core.models.training_jobs import TrainedModel, TrainingJob, TrainingMetric
from core.storage.database import Database
from core.storage.ports import TrainingRows
from core.storage.training_repo import TrainingRepo


@pytest.fixture
def repo(db: Database) -> TrainingRows:
    return TrainingRepo(db)


def job(name: str = "First run") -> TrainingJob:
    return TrainingJob(name=name, base_model="Qwen/Qwen2.5-0.5B-Instruct", backend="local", training_file_id="file-1")


def test_a_claim_holds_the_job_until_its_lease_runs_out(repo: TrainingRows) -> None:
    queued = repo.jobs.add(job())
    claimed = repo.claim(queued.id, "worker-a", lease_s=60)
    assert claimed is not None and claimed.lease_owner == "worker-a" and claimed.attempts == 1
    assert repo.renew(queued.id, "worker-a", lease_s=60, status=Training.RUNNING) is True  # as the runner does
    assert repo.claim(queued.id, "worker-b", lease_s=60) is None  # held
    assert repo.abandoned() == []
    repo.jobs.update(queued.id, lease_expires_at=utcnow() - timedelta(seconds=1))
    assert [j.id for j in repo.abandoned()] == [queued.id]
    taken = repo.claim(queued.id, "worker-b", lease_s=60)
    assert taken is not None and taken.lease_owner == "worker-b" and taken.attempts == 2
    assert repo.abandoned() == []


def test_renew_and_finish_are_fenced_by_the_lease(repo: TrainingRows) -> None:
    queued = repo.jobs.add(job())
    assert repo.claim(queued.id, "worker-a", lease_s=60) is not None
    assert repo.renew(queued.id, "worker-a", lease_s=60, step=3) is True
    assert repo.renew(queued.id, "worker-b", lease_s=60, step=99) is False
    assert repo.finish(queued.id, "worker-b", status=Training.FAILED) is False
    assert repo.jobs.get(queued.id).step == 3
    model = TrainedModel(
        name="Tuned", base_model="Qwen", backend="local", training_job_id=queued.id, training_file_id="file-1"
    )
    assert repo.finish(queued.id, "worker-a", model=model, status=Training.COMPLETED) is True
    done = repo.jobs.get(queued.id)
    assert done.status == Training.COMPLETED and done.lease_owner is None and done.finished_at is not None
    assert [m.id for m in repo.models.list()] == [model.id]
    assert repo.finish(queued.id, None, status=Training.FAILED) is False  # ended already: nothing changes
    assert repo.jobs.get(queued.id).status == Training.COMPLETED


def test_points_come_back_in_step_order(repo: TrainingRows) -> None:
    queued = repo.jobs.add(job())
    points = [TrainingMetric(job_id=queued.id, step=s, loss=1.0 / (s + 1)) for s in (20, 0, 10)]
    assert repo.add_points(points) == 3
    assert [p.step for p in repo.points(queued.id)] == [0, 10, 20]
    assert repo.points("another job") == []


def test_every_project_finds_a_job_of_another_project(db: Database) -> None:
    db.projects.add(Project(id="p-coach", slug="coach", name="Career coach"))  # type: ignore[call-arg]
    coach = TrainingRepo(db.in_project("p-coach"))
    first = TrainingRepo(db)
    queued = coach.jobs.add(job("Coach's run"))
    assert first.jobs.find(queued.id) is None and first.claim(queued.id, "worker", lease_s=60) is None
    worker = first.every_project()
    claimed = worker.claim(queued.id, "worker", lease_s=60)
    assert claimed is not None and claimed.project_id == "p-coach"
