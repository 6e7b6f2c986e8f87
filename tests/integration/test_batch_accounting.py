"""Item 3 of issue 13: a call in flight when its worker is killed is still accounted for. Its log row was
written (``sent``) before the call, keeps the estimate, and counts toward the job's spend and budget."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from core.batch.service import BatchRequest
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.support.batch_workers import Backend, backend, core_process, wait_for

__all__ = ["backend"]


def test_calls_in_flight_at_a_kill_stay_counted_as_sent(backend: Backend, tmp_path: Path) -> None:
    svc = backend.services()
    keys = {"personas": ["anxious_planner"], "arcs": ["anxiety_to_confidence"], "topics": ["roth_ira_conversion"]}
    job = svc.batch.create(BatchRequest(**keys, variations=3, concurrency=3))
    worker = ["worker", "--job", job.id, "--lease-seconds", "2", "--poll-seconds", "0.2"]
    with FakeAnthropicServer(latency_ms=1500) as server:
        killed = core_process(backend, server, worker, tmp_path / "killed.log")
        wait_for(lambda: server.request_count >= 3, 30, "three calls in flight")
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        sent = svc.db.logs.list(where={"job_id": job.id})
        assert [log.status for log in sent] == ["sent"] * 3 and all(log.cost_usd > 0 for log in sent)
        assert svc.db.jobs.get(job.id).cost_usd == pytest.approx(sum(log.cost_usd for log in sent))
        second = core_process(backend, server, worker, tmp_path / "second.log")
        assert second.wait(timeout=40) == 0
        calls = server.request_count
    final = svc.db.jobs.get(job.id)
    logs = svc.db.logs.list(where={"job_id": job.id})
    assert final.status == "completed" and len(logs) == calls == 6
    assert sorted(log.status for log in logs) == ["sent"] * 3 + ["success"] * 3  # the lost calls stay billed
    assert final.cost_usd == pytest.approx(sum(log.cost_usd for log in logs))
    assert final.cost_usd > sum(item.cost_usd for item in svc.batch.items(job.id))
    svc.close()
