"""Item 14 of issue 13: one job's limit holds across two worker processes. The job allows 60 requests a
minute; the workers run with a 5-second window (the limit scales to 5 per 5 s, the same rate) so the test
covers several windows in a few seconds. Real ``python -m core worker`` processes, the fake server with low
latency; SQLite and the real PostgreSQL."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta
from pathlib import Path

from core.batch.service import BatchRequest
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.support.batch_workers import Backend, backend, core_process, wait_for

__all__ = ["backend"]
WINDOW_S = 5.0
PER_WINDOW = 5  # 60 a minute, over 5 seconds


def test_two_workers_share_one_jobs_requests_per_minute(backend: Backend, tmp_path: Path) -> None:
    svc = backend.services()
    keys = {"personas": ["anxious_planner"], "arcs": ["anxiety_to_confidence"], "topics": ["roth_ira_conversion"]}
    job = svc.batch.create(BatchRequest(**keys, variations=60, concurrency=4, requests_per_minute=60))
    args = ["worker", "--job", job.id, "--poll-seconds", "0.2", "--rate-window-seconds", str(WINDOW_S)]
    with FakeAnthropicServer(latency_ms=20) as server:
        workers = [core_process(backend, server, args, tmp_path / f"worker{n}.log") for n in (1, 2)]
        try:
            wait_for(lambda: server.request_count >= 1, 90, "the first call")  # workers start slowly on a busy machine
            first = server.message_requests()[0].at
            time.sleep(max(0.0, first + 2 * WINDOW_S + 1.0 - time.monotonic()))  # into the third window
            arrivals = [r.at - first for r in server.message_requests()]
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)
    logs = sorted(log.created_at for log in svc.db.logs.list(where={"job_id": job.id}))
    window = timedelta(seconds=WINDOW_S)
    busiest = max(sum(1 for other in logs if at <= other < at + window) for at in logs)
    assert busiest <= PER_WINDOW  # never more than the job's share of a window, across both workers
    # At the server: the first calls of a worker arrive up to a second after admission (connection set-up).
    span = WINDOW_S - 1.0
    assert max(sum(1 for b in arrivals if a <= b < a + span) for a in arrivals) <= PER_WINDOW
    assert PER_WINDOW < len(arrivals) <= 3 * PER_WINDOW  # later windows used, and no more (not 2× from two workers)
    svc.close()


def test_calls_are_paced_evenly_across_workers_never_in_a_burst(backend: Backend, tmp_path: Path) -> None:
    """Issue 24 item 10: 120 a minute is one call every half second, from both workers together; a limiter that
    lets a window's worth through at once (10 calls of a 5-second window in a burst, then idles) fails."""
    svc = backend.services()
    keys = {"personas": ["anxious_planner"], "arcs": ["anxiety_to_confidence"], "topics": ["roth_ira_conversion"]}
    job = svc.batch.create(BatchRequest(**keys, variations=60, concurrency=4, requests_per_minute=120))
    args = ["worker", "--job", job.id, "--poll-seconds", "0.2", "--rate-window-seconds", str(WINDOW_S)]
    with FakeAnthropicServer(latency_ms=20) as server:
        workers = [core_process(backend, server, args, tmp_path / f"worker{n}.log") for n in (1, 2)]
        try:
            wait_for(lambda: server.request_count >= 1, 90, "the first call")  # workers start slowly on a busy machine
            first = server.message_requests()[0].at
            time.sleep(max(0.0, first + 4.0 - time.monotonic()))
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)
    sent = sorted(log.created_at for log in svc.db.logs.list(where={"job_id": job.id}))
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(sent)]
    assert len(sent) >= 5 and min(gaps) >= 0.45, gaps  # one call per half second, whoever sends it
    short = timedelta(seconds=1.25)  # two and a half intervals: at most three calls in any such window
    assert max(sum(1 for other in sent if at <= other < at + short) for at in sent) <= 3
    svc.close()
