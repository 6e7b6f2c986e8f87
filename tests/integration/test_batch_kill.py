"""A worker killed with SIGKILL mid-job, then another started: every item ends exactly once, no conversation
is stored twice, nothing stays ``processing``. Real ``python -m core worker`` processes, the fake server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.batch.service import BatchRequest
from core.bootstrap import Services, build_services
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY
from tests.support.paths import REPO_ROOT

LEASE_S = 1.5


@pytest.fixture
def slow_claude() -> Iterator[FakeAnthropicServer]:
    with FakeAnthropicServer(latency_ms=150) as server:
        yield server


def start_worker(data_dir: Path, server: FakeAnthropicServer, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "BRIGHTRUN_DATA_DIR": str(data_dir),
        "ANTHROPIC_API_KEY": FAKE_KEY,
        "ANTHROPIC_BASE_URL": server.url,
    }
    command = [sys.executable, "-m", "core", "worker", "--lease-seconds", str(LEASE_S), "--poll-seconds", "0.2"]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def wait_for(predicate: object, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def job_services(settings: Settings) -> Services:
    built = build_services(settings)
    install_defaults(built.scaffolding)
    return built


def test_a_killed_worker_loses_nothing_and_duplicates_nothing(
    settings: Settings, slow_claude: FakeAnthropicServer, tmp_path: Path
) -> None:
    svc = job_services(settings)
    request = BatchRequest(
        personas=["anxious_planner", "recently_widowed"], arcs=["anxiety_to_confidence"], topics="all", concurrency=6
    )
    job = svc.batch.create(request)
    first = start_worker(settings.data_dir, slow_claude, tmp_path / "worker1.log")
    wait_for(lambda: svc.db.jobs.get(job.id).completed_items >= 6, 60)  # slow to start on a busy machine
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert svc.db.items.count(where={"job_id": job.id, "status": "processing"}) > 0  # it died mid-item
    second = start_worker(settings.data_dir, slow_claude, tmp_path / "worker2.log")
    try:
        wait_for(lambda: svc.db.jobs.get(job.id).status == "completed", 60)
    finally:
        second.terminate()
        second.wait(timeout=10)
    items = svc.batch.items(job.id)
    final = svc.db.jobs.get(job.id)
    assert {i.status for i in items} == {"completed"} and final.successful_items == len(items) == final.total_items
    conversation_ids = [i.conversation_id for i in items]
    assert len(set(conversation_ids)) == len(items)
    assert svc.db.conversations.count(where={"job_id": job.id}) == len(items)
    assert any(i.attempts == 2 for i in items)  # the dead worker's items were claimed again
