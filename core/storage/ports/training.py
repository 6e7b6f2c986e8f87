"""The training jobs port: jobs with leases, their points (metrics) and the trained models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from core.models.training_jobs import TrainedModel, TrainingJob, TrainingMetric
    from core.storage.ports.base import Rows


class TrainingRows(Protocol):
    """Training jobs, their points and trained models, of one project (or of every project: ``every_project``).

    A worker claims a job with a lease and renews it as it reports progress; every write of a running job is
    fenced by the lease, so a worker whose lease was taken over cannot overwrite the job.
    """

    @property
    def jobs(self) -> Rows[TrainingJob]: ...

    @property
    def metrics(self) -> Rows[TrainingMetric]: ...

    @property
    def models(self) -> Rows[TrainedModel]: ...

    @property
    def acting_user(self) -> str | None:
        """The signed-in user these rows are written as; ``None`` for system work (a worker)."""
        ...

    def every_project(self) -> TrainingRows:
        """The same rows unbound from the project (a worker finds its job by id in any project; each row it
        writes carries the job's own project)."""
        ...

    def claim(self, job_id: str, owner: str, *, lease_s: float) -> TrainingJob | None:
        """Take the job if it waits, or if its worker's lease ran out (a crash); ``None`` when another holds it."""
        ...

    def renew(self, job_id: str, owner: str, *, lease_s: float, **fields: Any) -> bool:
        """Extend the lease and store ``fields``; ``False`` when this worker no longer holds the job."""
        ...

    def finish(self, job_id: str, owner: str | None, *, model: TrainedModel | None = None, **fields: Any) -> bool:
        """End the job (fenced by the lease when ``owner`` is given) and add its model, in one transaction;
        ``False`` when it had ended already or another worker holds it."""
        ...

    def abandoned(self) -> list[TrainingJob]:
        """Running jobs whose worker's lease ran out."""
        ...

    def add_points(self, points: list[TrainingMetric]) -> int: ...

    def points(self, job_id: str) -> list[TrainingMetric]:
        """A job's points in step order."""
        ...
