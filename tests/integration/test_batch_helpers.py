"""Item 6 of issue 13: after SIGKILL of ``batch run --workers 2`` its helper process stops too (and gives its
unsent items back), instead of working on alone."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from core.batch.service import BatchRequest
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.support.batch_workers import Backend, backend_for, core_process, wait_for


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


def test_helpers_die_with_a_killed_batch_run(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    backend: Backend = backend_for("sqlite", request, tmp_path)
    svc = backend.services()
    keys = {"personas": ["anxious_planner"], "arcs": ["anxiety_to_confidence"], "topics": ["roth_ira_conversion"]}
    job = svc.batch.create(BatchRequest(**keys, variations=30, concurrency=2))
    with FakeAnthropicServer(latency_ms=400) as server:
        run = core_process(
            backend, server, ["batch", "run", job.id, "--workers", "2", "--poll-seconds", "0.2"], tmp_path / "run.log"
        )
        wait_for(lambda: children_of(run.pid), 60, "the helper process")  # slow to start on a busy machine
        helper = children_of(run.pid)[0]
        wait_for(lambda: server.request_count >= 3, 30, "calls from both processes (after the key's pre-flight call)")
        run.send_signal(signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 10
        while alive(helper) and time.monotonic() < deadline:
            time.sleep(0.1)
        helper_alive = alive(helper)
        if helper_alive:
            os.kill(helper, signal.SIGKILL)
        calls_at_exit = server.request_count
        time.sleep(1.0)
        assert not helper_alive and server.request_count == calls_at_exit
    assert svc.db.jobs.get(job.id).completed_items < 30
    svc.close()
