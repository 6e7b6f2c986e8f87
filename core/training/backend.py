"""The one small interface every place that trains implements: estimate, submit, poll, cancel, fetch the adapter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field

from core.models.statuses import Phase, Training, TrainingJobStatus, TrainingPhase
from core.models.training_jobs import BackendName, TrainingJob


class Point(BaseModel):
    """One learning-progress point a backend saw."""

    step: int
    epoch: float | None = None
    loss: float | None = None
    eval_loss: float | None = None
    learning_rate: float | None = None


class Poll(BaseModel):
    """Where a submitted job is, as its backend reports it."""

    state: TrainingJobStatus = Training.RUNNING
    phase: TrainingPhase = Phase.QUEUED
    step: int = 0
    total_steps: int = 0
    loss: float | None = None
    eval_loss: float | None = None
    #: The service's reported cost so far (``None``: it reported none; this machine costs nothing).
    cost_usd: float | None = None
    message: str | None = None
    #: Every point seen so far, in order (the runner stores the new ones).
    points: list[Point] = Field(default_factory=list)
    #: The service did not answer this time (busy, unreachable): nothing changed, ask again.
    transient: bool = False
    #: Anything the backend learned about itself to remember on the job (a hosted model name...).
    remember: dict[str, Any] = Field(default_factory=dict)


@dataclass
class FrozenInput:
    """The job's frozen input as local files (materialised from storage by the runner)."""

    train_path: Path
    validation_path: Path | None


class TrainingBackend(Protocol):
    name: BackendName

    def submit(self, job: TrainingJob, inputs: FrozenInput) -> dict[str, Any]:
        """Start the job; returns the fields to remember on it (a child pid, the service's ids)."""
        ...

    def poll(self, job: TrainingJob) -> Poll: ...

    def cancel(self, job: TrainingJob) -> None: ...

    def fetch_adapter(self, job: TrainingJob, dest: Path) -> Path:
        """Put the finished adapter's files (``adapter_config.json``, weights) in ``dest``; returns ``dest``."""
        ...

    def resumable(self, job: TrainingJob) -> bool:
        """Whether a job whose worker died can be picked up where it was (a hosted job goes on by itself)."""
        ...
