"""Issue 24 item 9: a worker SIGKILLed mid-job on this machine leaves claims under 60-second leases that hold
every concurrency slot. The next worker on the machine sees that the process behind them is gone and claims
them again at once, instead of idling until the leases run out. Real ``python -m core worker`` processes, the
fake server; SQLite and the real PostgreSQL."""

from __future__ import annotations

import signal
from pathlib import Path

from core.batch.service import BatchRequest
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.support.batch_workers import Backend, backend, core_process, wait_for

__all__ = ["backend"]
LEASE_S = 60.0  # the default: waiting it out would take far longer than the test allows


def test_a_dead_local_workers_claims_are_taken_again_at_once(backend: Backend, tmp_path: Path) -> None:
    svc = backend.services()
    keys = {"personas": ["anxious_planner"], "arcs": ["anxiety_to_confidence"], "topics": ["roth_ira_conversion"]}
    job = svc.batch.create(BatchRequest(**keys, variations=12, concurrency=4))
    args = ["worker", "--job", job.id, "--lease-seconds", str(LEASE_S), "--poll-seconds", "0.2"]
    with FakeAnthropicServer(latency_ms=400) as server:
        first = core_process(backend, server, args, tmp_path / "worker1.log")
        try:
            wait_for(lambda: svc.db.jobs.get(job.id).completed_items >= 2, 60, "the first items")
            wait_for(lambda: svc.db.items.count(where={"job_id": job.id, "status": "processing"}) >= 1, 10, "a claim")
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        held = svc.db.items.count(where={"job_id": job.id, "status": "processing"})
        assert held >= 1  # it died holding claims
        second = core_process(backend, server, args, tmp_path / "worker2.log")
        try:  # a process starts slowly on a busy machine: what counts is the time from its start (its log line)
            wait_for(lambda: svc.db.jobs.get(job.id).status == "completed", 120, "the job's end")
        finally:
            second.terminate()
            second.wait(timeout=30)
    items = svc.batch.items(job.id)
    assert {i.status for i in items} == {"completed"} and len({i.conversation_id for i in items}) == 12
    lines = svc.db.batch_logs.list(where={"job_id": job.id}, order_by="created_at")
    started = [line.created_at for line in lines if "started" in line.message.lower()][-1]  # the second worker's start
    gone = [line for line in lines if "is gone" in line.message]
    assert gone and "claimed again at once" in gone[0].message, [line.message for line in lines]
    finished = svc.db.jobs.get(job.id).completed_at
    assert finished is not None and (finished - started).total_seconds() < LEASE_S / 2  # not held up by leases
    svc.close()
