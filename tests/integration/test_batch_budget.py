"""Items 2 and 3 of issue 13: the budget cap holds across run / resubmit / resume rounds (60% of replies are
cut off, so most items fail and are resubmitted), every call has exactly one log row, and the job's spend is
the sum of them all. Real SDK, fake server, the real runner."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from core.batch.service import BatchRequest
from core.bootstrap import Services
from core.bootstrap.workers import WorkerOptions, build_worker
from core.errors import ConflictError, ValidationError
from core.models.jobs import BatchJob
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY
from tests.support.batch_workers import Backend, backend

__all__ = ["backend"]

TRUNCATING = [("max_tokens" if n % 5 < 3 else "success") for n in range(400)]


def run(services: Services, job_id: str) -> BatchJob:
    worker = build_worker(services, WorkerOptions(lease_s=30, poll_s=0.05, batch_poll_s=0.05))
    return worker.run_until_done(job_id, threading.Event())


def spend_of(services: Services, job_id: str) -> tuple[float, int]:
    logs = services.db.logs.list(where={"job_id": job_id})
    assert "sent" not in {log.status for log in logs}
    return sum(log.cost_usd for log in logs), len(logs)


@pytest.fixture
def gen_services(backend: Backend, fake_claude: FakeAnthropicServer) -> Iterator[Services]:
    """SQLite and the real Postgres: the budget is checked in the claim, whose locking differs."""
    built = backend.services(
        anthropic_api_key=FAKE_KEY, anthropic_base_url=fake_claude.url, max_retries=1, request_timeout_s=5.0
    )
    yield built
    built.close()


def test_the_cap_holds_across_resubmit_and_resume_rounds(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    fake_claude.script(*TRUNCATING)
    keys = {"personas": ["anxious_planner"], "arcs": ["anxiety_to_confidence"], "topics": ["roth_ira_conversion"]}
    request = BatchRequest(**keys, variations=40, concurrency=4, budget_usd=0.10)
    job = gen_services.batch.create(request)
    largest_call = 0.0
    cap = 0.10
    for _ in range(4):
        final = run(gen_services, job.id)
        spent, calls = spend_of(gen_services, job.id)
        largest_call = max([largest_call] + [log.cost_usd for log in gen_services.db.logs.list()])
        assert calls == fake_claude.request_count  # every call has its row
        assert final.cost_usd == pytest.approx(spent)  # the job's spend is all of them
        assert spent <= cap + largest_call  # at most the call in flight when the cap was reached
        assert final.status == "paused" and "Budget" in (final.stop_reason or "")
        assert gen_services.batch.resubmit_failed(job.id) > 0
        after = gen_services.db.jobs.get(job.id)
        assert after.status == "paused" and after.cost_usd == pytest.approx(spent)  # nothing forgotten
        with pytest.raises(ConflictError, match="budget cap"):
            gen_services.batch.resume(job.id)  # not past the cap without a new one
        with pytest.raises(ValidationError):
            gen_services.batch.resume(job.id, budget_usd=spent / 2)
        cap += 0.05
        gen_services.batch.resume(job.id, budget_usd=cap)
