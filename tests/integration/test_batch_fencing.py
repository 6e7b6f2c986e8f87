"""Item 1 of issue 13: a worker frozen past its lease (SIGSTOP) wakes up after another worker stored the items.
It must not delete or overwrite what the other stored, record no false failure, and its spend must count.
Real worker processes, 3-second leases, the fake server; SQLite and the real PostgreSQL."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from core.batch.service import BatchRequest
from core.storage.blobs import CONVERSATION_FILES
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.support.batch_workers import Backend, backend, core_process, wait_for

__all__ = ["backend"]
LEASE = "3"


def test_a_frozen_worker_cannot_destroy_what_the_worker_that_took_over_stored(backend: Backend, tmp_path: Path) -> None:
    svc = backend.services()
    topics = [t.topic_key for t in svc.scaffolding.list("topics")][:4]
    request = BatchRequest(personas=["anxious_planner"], arcs=["anxiety_to_confidence"], topics=topics, concurrency=4)
    job = svc.batch.create(request)
    worker = ["worker", "--job", job.id, "--lease-seconds", LEASE, "--poll-seconds", "0.2"]
    with FakeAnthropicServer(latency_ms=1500) as server:
        frozen = core_process(backend, server, worker, tmp_path / "frozen.log")
        try:
            wait_for(lambda: server.request_count >= 4, 30, "the first worker's calls")
            frozen.send_signal(signal.SIGSTOP)  # its 4 calls are answered while it sleeps
            second = core_process(backend, server, worker, tmp_path / "second.log")
            wait_for(lambda: svc.db.jobs.get(job.id).status == "completed", 40, "the second worker to finish")
            assert second.wait(timeout=20) == 0
            stored = {c.conversation_id: c for c in svc.db.conversations.list(where={"job_id": job.id})}
            before = {cid: svc.blobs.get(CONVERSATION_FILES, c.file_path or "") for cid, c in stored.items()}
            frozen.send_signal(signal.SIGCONT)
            assert frozen.wait(timeout=30) == 0
        finally:
            for process in (frozen,):
                if process.poll() is None:
                    process.send_signal(signal.SIGCONT)
                    process.kill()
        calls = server.request_count
    items = svc.batch.items(job.id)
    assert {i.status for i in items} == {"completed"} and {i.attempts for i in items} == {2}
    # Everything the second worker stored is still there, unchanged, and readable.
    after = svc.db.conversations.list(where={"job_id": job.id})
    assert {c.conversation_id for c in after} == set(stored) == {i.conversation_id for i in items}
    for conversation in after:
        assert svc.blobs.get(CONVERSATION_FILES, conversation.file_path or "") == before[conversation.conversation_id]
        raw = json.loads(svc.blobs.get(CONVERSATION_FILES, conversation.raw_response_path or ""))
        assert raw["turns"]
    # The frozen worker's result was dropped quietly: no failure, no file of its attempt left behind.
    assert svc.db.failures.count(where={"job_id": job.id}) == 0
    files = svc.blobs.list(CONVERSATION_FILES)
    referenced = {p for c in after for p in (c.file_path, c.raw_response_path)}
    assert set(files) == referenced
    # Its spend is recorded: every call has a completed log row, and the job's cost is all of them.
    logs = svc.db.logs.list(where={"job_id": job.id})
    assert len(logs) == calls == 8 and "sent" not in {log.status for log in logs}
    assert sum(1 for log in logs if (log.error_message or "").startswith("Result dropped")) == 4
    final = svc.db.jobs.get(job.id)
    assert final.cost_usd > 0 and abs(final.cost_usd - sum(log.cost_usd for log in logs)) < 1e-6
    svc.close()
