"""Faults of local training: cancel stops the child within seconds; a killed child or a killed worker leaves the
job failed, never running. Real child processes (TRL on a tiny model); nothing is mocked."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable

import pytest

from core.bootstrap import Services
from core.models.statuses import Training
from core.models.training_jobs import TrainingJob
from tests.support.training_data import make_training_file
from tests.support.training_fixtures import TinyModels

LONG = {"max_steps": 200, "batch_size": 1}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ended, not yet reaped) counts as gone
        return _state(pid) != "Z"
    except OSError:
        return False


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()[0]


def _wait(check: Callable[[], bool], timeout: float, what: str) -> float:
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - start


def _queued(services: Services, tiny_models: TinyModels, tmp_path_name: str) -> TrainingJob:
    from pathlib import Path

    make_training_file(services, Path(tmp_path_name))
    plan = services.training.plan("Set A", "local", str(tiny_models.path("llama")), "quick", overrides=LONG)
    return services.training.start(plan)


def _child(services: Services, job: TrainingJob) -> int:
    _wait(lambda: bool(services.training.repo.jobs.get(job.id).child_pid), 60, "the training child")
    pid = services.training.repo.jobs.get(job.id).child_pid
    assert pid is not None and _alive(pid)
    return pid


def _in_thread(services: Services, job: TrainingJob) -> threading.Thread:
    worker = threading.Thread(target=services.training.run, args=(job.id,), kwargs={"poll_s": 0.2}, daemon=True)
    worker.start()
    return worker


def test_cancel_stops_the_child_within_seconds(services: Services, tiny_models: TinyModels, tmp_path: object) -> None:
    job = _queued(services, tiny_models, f"{tmp_path}/in")
    worker = _in_thread(services, job)
    pid = _child(services, job)
    started = time.monotonic()
    services.training.cancel(job.id)
    worker.join(timeout=15)
    assert not worker.is_alive() and time.monotonic() - started < 8
    assert not _alive(pid)
    ended = services.training.get(job.id)
    assert (ended.status, ended.message) == (Training.CANCELLED, "Cancelled.")


def test_a_killed_child_fails_the_job_in_plain_words(
    services: Services, tiny_models: TinyModels, tmp_path: object
) -> None:
    job = _queued(services, tiny_models, f"{tmp_path}/in")
    worker = _in_thread(services, job)
    os.kill(_child(services, job), signal.SIGKILL)
    worker.join(timeout=15)
    ended = services.training.get(job.id)
    assert ended.status == Training.FAILED and ended.lease_owner is None
    assert ended.message == "Training failed: the training process was stopped from outside (SIGKILL)."


def test_a_killed_worker_takes_its_child_along_and_the_job_ends_failed(
    services: Services, tiny_models: TinyModels, tmp_path: object
) -> None:
    job = _queued(services, tiny_models, f"{tmp_path}/in")
    worker_pid = services.training.launch(job.id, lease_s=3)
    child = _child(services, job)
    os.kill(worker_pid, signal.SIGKILL)
    os.waitpid(worker_pid, 0)
    _wait(lambda: not _alive(child), 10, "the orphaned child to stop")
    assert services.training.repo.jobs.get(job.id).status == Training.RUNNING  # until its lease runs out
    _wait(lambda: services.training.get(job.id).status == Training.FAILED, 15, "the job to be settled")
    assert "Start it again" in str(services.training.get(job.id).message)
