"""A worker: serves every runnable job of its project (``python -m core worker``) or one job until it ends
(``python -m core batch run``). Online jobs go to the ``JobRunner``; Message Batches jobs to the driver,
which submits, polls and ingests without holding threads. The composition root builds workers
(``core.bootstrap.workers``: one per project, on that project's ports and generation).
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from core.batch.runner import JobRunner
from core.batch.store import BatchStore
from core.models.jobs import BatchJob
from core.models.statuses import JOB_STOPPED, RUNNABLE, Item, Job

log = logging.getLogger("core.batch")
PRIORITY_ORDER = {"high": 0, "normal": 1, "low": 2}
_CANCELLED_BATCHES = {"status": Job.CANCELLED, "mode": "message_batches"}


class MessageBatchStep(Protocol):
    def step(self, job: BatchJob) -> None:
        """Submit what is queued, poll what was sent, ingest what has ended (never blocks for long)."""
        ...


class Worker:
    def __init__(
        self,
        store: BatchStore,
        runner: JobRunner,
        message_batches: MessageBatchStep | None = None,
        *,
        poll_s: float = 1.0,
        batch_poll_s: float = 10.0,
    ) -> None:
        self.store = store
        self.runner = runner
        self.message_batches = message_batches
        self.poll_s = poll_s
        self.batch_poll_s = batch_poll_s

    def runnable_jobs(self) -> list[BatchJob]:
        jobs = self.store.jobs.list(where={"status": list(RUNNABLE)}, order_by="created_at")
        settling = [job for job in self.store.jobs.list(where=_CANCELLED_BATCHES) if self.settling(job)]
        return sorted(jobs, key=lambda j: PRIORITY_ORDER.get(j.priority, 1)) + settling

    def settling(self, job: BatchJob) -> bool:
        """A cancelled Message Batches job whose batches Anthropic is still ending: polled until they have."""
        if job.mode != "message_batches" or job.status != Job.CANCELLED or not job.message_batch_ids:
            return False
        return self.store.items.count(where={"job_id": job.id, "status": Item.PROCESSING}) > 0

    def settle_stopped_jobs(self) -> None:
        """Expired leases of paused or cancelled jobs (their worker died): requeue or cancel them."""
        for job in self.store.jobs.list(where={"status": list(JOB_STOPPED)}):
            with self.store.transactions.transaction() as conn:
                self.store.queue.reap_expired(conn, job)

    def work_once(self, job: BatchJob, stop: threading.Event) -> None:
        if job.mode == "message_batches":
            if self.message_batches is None:
                log.warning("job %s needs Message Batches, which this worker cannot reach", job.id)
                return
            self.message_batches.step(job)
        else:
            self.runner.run(job.id, stop=stop)

    def serve(self, stop: threading.Event) -> None:
        """Work every runnable job of this worker's project, highest priority first, until ``stop`` is set."""
        log.info("worker %s serving all jobs", self.runner.owner)
        while not stop.is_set():
            jobs = self.round(stop)
            online_left = any(j.mode == "online" for j in jobs)
            stop.wait(self.poll_s if online_left or not jobs else self.batch_poll_s)

    def round(self, stop: threading.Event) -> list[BatchJob]:
        """One pass: settle stopped jobs, then work each runnable job once. Returns the jobs it found."""
        self.settle_stopped_jobs()
        jobs = self.runnable_jobs()
        for job in jobs:
            if stop.is_set():
                break
            self.work_once(job, stop)
        return jobs

    def run_until_done(self, job_id: str, stop: threading.Event) -> BatchJob:
        """Work one job until it is no longer runnable (completed, failed, cancelled or paused)."""
        while not stop.is_set():
            job = self.store.jobs.get(job_id)
            if job.status not in RUNNABLE and not self.settling(job):
                return job
            self.work_once(job, stop)
            job = self.store.jobs.get(job_id)
            if job.status not in RUNNABLE and not self.settling(job):
                return job
            stop.wait(self.batch_poll_s if job.mode == "message_batches" else self.poll_s)
        return self.store.jobs.get(job_id)
