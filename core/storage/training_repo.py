"""Training jobs, their points and trained models: the ``TrainingRows`` port (``core.storage.ports``), with leases.

A worker claims a job with a lease (``lease_owner``, ``lease_expires_at``) and renews it as it reports
progress; every write of a running job is fenced by the lease, so a worker whose lease was taken over cannot
overwrite the job. A job whose lease ran out is abandoned: its worker died.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from core.models.base import utcnow
from core.models.statuses import TRAINING_UNFINISHED, Training
from core.models.training_jobs import TrainedModel, TrainingJob, TrainingMetric
from core.storage.database import Database
from core.storage.repository import Repository


class TrainingRepo:
    def __init__(self, db: Database) -> None:
        """Over ``db`` as bound: one project's jobs, or every project's (a worker: ``db.in_project(None)``)."""
        self.db = db
        self.jobs: Repository[TrainingJob] = db.training_jobs
        self.metrics: Repository[TrainingMetric] = db.training_metrics
        self.models: Repository[TrainedModel] = db.trained_models

    @property
    def acting_user(self) -> str | None:
        return self.db.acting_user

    def every_project(self) -> TrainingRepo:
        return TrainingRepo(self.db.in_project(None))

    def claim(self, job_id: str, owner: str, *, lease_s: float) -> TrainingJob | None:
        """Take the job if it waits, or if its worker's lease ran out (a crash); ``None`` when another holds it."""
        table, now = self.jobs.table, utcnow()
        free = sa.or_(
            table.c.status == Training.QUEUED,
            sa.and_(
                table.c.status == Training.RUNNING,
                sa.or_(
                    table.c.lease_expires_at.is_(None), table.c.lease_expires_at < now, table.c.lease_owner == owner
                ),
            ),
        )
        with self.db.transaction() as conn:
            taken = conn.execute(
                sa.update(table)
                .where(table.c.id == job_id, free, *self.db.project_scope(table))
                .values(
                    lease_owner=owner,
                    lease_expires_at=now + timedelta(seconds=lease_s),
                    attempts=table.c.attempts + 1,
                    updated_at=now,
                )
            ).rowcount
            return self.jobs.get(job_id, conn=conn) if taken else None

    def renew(self, job_id: str, owner: str, *, lease_s: float, **fields: Any) -> bool:
        """Extend the lease and store ``fields``; ``False`` when this worker no longer holds the job."""
        table, now = self.jobs.table, utcnow()
        with self.db.transaction() as conn:
            return bool(
                conn.execute(
                    sa.update(table)
                    .where(table.c.id == job_id, table.c.lease_owner == owner, *self.db.project_scope(table))
                    .values(lease_expires_at=now + timedelta(seconds=lease_s), updated_at=now, **fields)
                ).rowcount
            )

    def finish(self, job_id: str, owner: str | None, *, model: TrainedModel | None = None, **fields: Any) -> bool:
        """End the job (fenced by the lease when ``owner`` is given) and add its model, in one transaction."""
        table, now = self.jobs.table, utcnow()
        where = [table.c.id == job_id, table.c.status.in_(TRAINING_UNFINISHED), *self.db.project_scope(table)]
        if owner is not None:
            where.append(table.c.lease_owner == owner)
        with self.db.transaction() as conn:
            done = conn.execute(
                sa.update(table)
                .where(*where)
                .values(lease_owner=None, lease_expires_at=None, finished_at=now, updated_at=now, **fields)
            ).rowcount
            if done and model is not None:
                self.models.add(model, conn=conn)
            return bool(done)

    def abandoned(self) -> list[TrainingJob]:
        """Running jobs whose worker's lease ran out."""
        table = self.jobs.table
        query = sa.select(table).where(
            *self.db.project_scope(table),
            table.c.status == Training.RUNNING,
            sa.or_(table.c.lease_expires_at.is_(None), table.c.lease_expires_at < utcnow()),
        )
        with self.db.reading() as conn:
            return [self.jobs.from_row(r) for r in conn.execute(query)]

    def add_points(self, points: list[TrainingMetric]) -> int:
        return self.metrics.add_many(points)

    def points(self, job_id: str) -> list[TrainingMetric]:
        return self.metrics.list(where={"job_id": job_id}, order_by=("step", "created_at"))
