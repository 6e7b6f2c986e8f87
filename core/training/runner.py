"""Runs one training job to its end on its backend: claim with a lease, submit, poll, record, finish.

The runner holds the job's lease and renews it at every poll (at most ``poll_s`` apart), storing the step,
losses and the service's reported cost, and each new learning-progress point. A cancel asked from anywhere
(the page, ``train cancel``) is seen at the next poll and stops the backend's job. A worker that dies leaves
its lease to run out: a local job is then failed (its child ended with its worker), a hosted job is picked up
again and polled where it was. Spend is the service's reported total, stored (never added), so it is never
counted twice.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.errors import BrightRunError
from core.models.base import new_id, utcnow
from core.models.statuses import Phase, Training
from core.models.training_jobs import TrainedModel, TrainingJob, TrainingMetric
from core.storage.ports import TrainingRows
from core.storage.ports.blobs import ADAPTERS, TRAINING_INPUTS, BlobStore
from core.training.backend import FrozenInput, Poll, TrainingBackend

log = logging.getLogger("core.training")
CRASHED = "The training stopped unexpectedly: the program running it ended. Start it again."
OVER_LIMIT = "Stopped: the service's reported cost (${cost:.2f}) went over the spending limit (${limit:.2f})."


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{new_id()[:8]}"


class TrainingRunner:
    def __init__(
        self,
        repo: TrainingRows,
        blobs: BlobStore,
        backend_for: Callable[[str], TrainingBackend],
        *,
        lease_s: float = 30.0,
        poll_s: float = 1.0,
        owner: str | None = None,
    ) -> None:
        self.repo, self.blobs, self.backend_for = repo, blobs, backend_for
        self.lease_s, self.poll_s = lease_s, poll_s
        self.owner = owner or worker_name()

    def run(self, job_id: str, stop: threading.Event | None = None) -> TrainingJob:
        stop = stop or threading.Event()
        job = self.repo.claim(job_id, self.owner, lease_s=self.lease_s)
        if job is None:
            return self.repo.jobs.get(job_id)
        backend = self.backend_for(job.backend)
        try:
            self._run(job, backend, stop)
        except BrightRunError as err:
            self._fail(job, err.user_message)
        except Exception as err:
            log.error("training job %s: %s", job.id, traceback.format_exc())
            self._fail(job, f"Training stopped because of an unexpected problem ({type(err).__name__}).")
        return self.repo.jobs.get(job_id)

    # -- the steps ---------------------------------------------------------------------------------------
    def _run(self, job: TrainingJob, backend: TrainingBackend, stop: threading.Event) -> None:
        if job.status == Training.RUNNING and not backend.resumable(job):  # its worker died
            backend.cancel(job)  # a child the dead worker left behind, if any
            self._fail(job, CRASHED)
            return
        if job.status == Training.QUEUED:
            if job.cancel_requested:
                self._finish(job, Training.CANCELLED, Phase.CANCELLED, "Cancelled before it started.")
                return
            self._renew(job, status=Training.RUNNING, phase=Phase.UPLOADING, started_at=utcnow())
            with tempfile.TemporaryDirectory(prefix="brightrun-train-") as folder:
                submitted = backend.submit(job, self._materialise(job, Path(folder)))
                self._renew(job, phase=Phase.QUEUED, **submitted)
                job = self.repo.jobs.get(job.id)
                self._follow(job, backend, stop)
            return
        self._follow(job, backend, stop)

    def _follow(self, job: TrainingJob, backend: TrainingBackend, stop: threading.Event) -> None:
        recorded = self.repo.metrics.count(where={"job_id": job.id})
        while True:
            current = self.repo.jobs.get(job.id)
            if current.cancel_requested or (stop.is_set() and not backend.resumable(job)):
                backend.cancel(current)
                words = "Cancelled." if current.cancel_requested else "Stopped: the program running it was closed."
                status = Training.CANCELLED if current.cancel_requested else Training.FAILED
                self._finish(current, status, Phase.CANCELLED if current.cancel_requested else Phase.FAILED, words)
                return
            if stop.is_set():
                return  # a hosted job goes on; the next worker picks it up
            poll = backend.poll(current)
            if poll.transient:
                self._renew(current, message=poll.message)
                stop.wait(self.poll_s)
                continue
            recorded = self._record(current, poll, recorded)
            if current.budget_usd is not None and (poll.cost_usd or 0) > current.budget_usd:
                backend.cancel(current)
                self._fail(current, OVER_LIMIT.format(cost=poll.cost_usd, limit=current.budget_usd))
                return
            if poll.state == Training.COMPLETED:
                self._complete(self.repo.jobs.get(job.id), backend, poll)
                return
            if poll.state in (Training.FAILED, Training.CANCELLED):
                phase = Phase.CANCELLED if poll.state == Training.CANCELLED else Phase.FAILED
                self._finish(current, poll.state, phase, poll.message or "The training did not finish.")
                return
            waiter = getattr(backend, "wait", None)
            if waiter is not None:  # wakes the moment a local child ends, instead of a poll later
                waiter(current, self.poll_s)
            else:
                stop.wait(self.poll_s)

    def _record(self, job: TrainingJob, poll: Poll, recorded: int) -> int:
        fresh = [
            TrainingMetric(job_id=job.id, project_id=job.project_id, created_by=job.created_by, **p.model_dump())
            for p in poll.points[recorded:]
        ]
        if fresh:
            self.repo.add_points(fresh)
        fields: dict[str, Any] = {
            "phase": poll.phase if poll.state == Training.RUNNING else job.phase,
            "step": poll.step,
            "total_steps": poll.total_steps or job.total_steps,
            "loss": poll.loss,
            "eval_loss": poll.eval_loss,
            "message": poll.message,
        }
        if poll.cost_usd is not None:
            fields["cost_usd"] = poll.cost_usd  # the service's running total, stored, never added
        if poll.remember:
            fields["estimate"] = job.estimate | {"seen": poll.remember}
            for key in ("hosted_model_name",):
                if key in poll.remember:
                    fields[key] = poll.remember[key]
        self._renew(job, **fields)
        return len(poll.points)

    def _complete(self, job: TrainingJob, backend: TrainingBackend, poll: Poll) -> None:
        self._renew(job, phase=Phase.SAVING)
        model_id = new_id()
        with tempfile.TemporaryDirectory(prefix="brightrun-adapter-") as folder:
            adapter = backend.fetch_adapter(job, Path(folder) / "adapter")
            size = 0
            for path in sorted(adapter.iterdir()):
                if path.is_file():
                    self.blobs.put_file(ADAPTERS, f"{model_id}/{path.name}", path, content_type=_content_type(path))
                    size += path.stat().st_size
        model = TrainedModel(
            id=model_id,
            project_id=job.project_id,
            created_by=job.created_by,
            name=job.name,
            base_model=job.base_model,
            backend=job.backend,
            training_job_id=job.id,
            training_file_id=job.training_file_id,
            training_file_name=job.training_file_name,
            training_file_sha256=job.training_file_sha256,
            preset=job.preset,
            hyperparameters=job.hyperparameters,
            adapter_path=model_id,
            adapter_size=size,
            validation_conversation_ids=job.validation_conversation_ids,
            hosted_model_name=poll.remember.get("hosted_model_name") or job.hosted_model_name,
            final_loss=poll.loss,
            final_eval_loss=poll.eval_loss,
            steps=poll.step,
            is_demo=job.is_demo,
        )
        done = self.repo.finish(
            job.id,
            self.owner,
            model=model,
            status=Training.COMPLETED,
            phase=Phase.READY,
            adapter_id=model_id,
            step=poll.step,
            loss=poll.loss,
            eval_loss=poll.eval_loss,
            message=None,
        )
        if not done:  # the lease was taken over meanwhile: the adapter stored here belongs to nobody
            for name in self.blobs.list(ADAPTERS, f"{model_id}/"):
                self.blobs.delete(ADAPTERS, name)
        forget = getattr(backend, "forget", None)
        if forget is not None:
            forget(job)

    # -- helpers ------------------------------------------------------------------------------------------
    def _materialise(self, job: TrainingJob, folder: Path) -> FrozenInput:
        train = folder / "train.jsonl"
        train.write_bytes(self.blobs.get(TRAINING_INPUTS, job.train_path))
        validation = None
        if job.validation_path:
            validation = folder / "validation.jsonl"
            validation.write_bytes(self.blobs.get(TRAINING_INPUTS, job.validation_path))
        return FrozenInput(train_path=train, validation_path=validation)

    def _renew(self, job: TrainingJob, **fields: Any) -> None:
        if not self.repo.renew(job.id, self.owner, lease_s=self.lease_s, **fields):
            raise BrightRunError("Another worker took over this training job.")

    def _finish(self, job: TrainingJob, status: str, phase: str, message: str) -> None:
        self.repo.finish(job.id, self.owner, status=status, phase=phase, message=message)
        forget = getattr(self.backend_for(job.backend), "forget", None)
        if forget is not None:
            forget(job)

    def _fail(self, job: TrainingJob, message: str) -> None:
        self._finish(job, Training.FAILED, Phase.FAILED, message)


def _content_type(path: Path) -> str:
    return "application/json" if path.suffix == ".json" else "application/octet-stream"
