"""Batch workers, built by the composition root: each on one project's batch ports, its generation and the app's
Claude client (``python -m core worker`` and ``batch run`` start them through here)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.batch.worker import Worker
    from core.bootstrap.services import Services
    from core.models.jobs import BatchJob

log = logging.getLogger("core.batch")


@dataclass
class WorkerOptions:
    lease_s: float = 60.0
    poll_s: float = 1.0
    batch_poll_s: float = 10.0
    rate_window_s: float = 60.0


def build_worker(services: Services, options: WorkerOptions | None = None) -> Worker:
    """A worker wired to real generation in ``services``' project (the Claude client is built on first call,
    so a missing key fails the items with a clear message instead of failing the worker)."""
    from core.batch.generation_processor import GenerationProcessor
    from core.batch.message_batches import MessageBatchDriver
    from core.batch.runner import JobRunner, RunnerOptions
    from core.batch.worker import Worker

    options = options or WorkerOptions()
    store = services.batch_store  # one set of ports, built once, for the service and every worker part

    processor = GenerationProcessor(store, services.generation, lambda: services.llm)
    runner_options = RunnerOptions(lease_s=options.lease_s, poll_s=options.poll_s, rate_window_s=options.rate_window_s)
    runner = JobRunner(store, processor, options=runner_options)
    driver = MessageBatchDriver(store, processor, lambda: services.llm, owner=runner.owner)
    return Worker(store, runner, driver, poll_s=options.poll_s, batch_poll_s=options.batch_poll_s)


def serve_every_project(services: Services, stop: threading.Event, options: WorkerOptions | None = None) -> None:
    """Work the runnable jobs of every project until ``stop`` is set. Each project gets its own worker,
    built on its own services, so a job's items run in the job's project (its scaffolding, its rows)."""
    options = options or WorkerOptions()
    workers: dict[str, Worker] = {}
    log.info("worker serving the jobs of every project")
    while not stop.is_set():
        jobs: list[BatchJob] = []
        for project in services.projects.list():
            if stop.is_set():
                break
            worker = workers.get(project.id)
            if worker is None:
                worker = workers[project.id] = build_worker(services.in_project(project.id), options)
            jobs += worker.round(stop)
        online_left = any(j.mode == "online" for j in jobs)
        stop.wait(options.poll_s if online_left or not jobs else options.batch_poll_s)
