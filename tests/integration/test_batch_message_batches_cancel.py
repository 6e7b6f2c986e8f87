"""Issue 24 item 3: cancelling a Message Batches job cancels its batches at the API, keeps polling until they
have ended, ingests the results that finished (their real cost) and marks the rest cancelled; the job's cost
is then what was really spent. Cancelled during submit, while in progress, and after the batch ended."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from core.bootstrap import Services
from core.models.jobs import BatchJob
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY
from tests.fakes.message_batches import FakeMessageBatches
from tests.integration.test_batch_message_batches import REQUEST, driver_for, fake_batches
from tests.support.batch_workers import Backend, backend

__all__ = ["backend", "fake_batches"]


@pytest.fixture
def gen_services(backend: Backend, fake_claude: FakeAnthropicServer) -> Iterator[Services]:
    """On SQLite and on the real PostgreSQL (finishing items locks the job row there)."""
    built = backend.services(anthropic_api_key=FAKE_KEY, anthropic_base_url=fake_claude.url, max_retries=1)
    yield built
    built.close()


def _spent(services: Services, job: BatchJob) -> float:
    return sum(entry.cost_usd for entry in services.db.logs.list(where={"job_id": job.id}))


def _counts(services: Services, job: BatchJob) -> tuple[str, int, int, int]:
    done = services.db.jobs.get(job.id)
    return done.status, done.successful_items, done.failed_items, done.cancelled_items


def test_cancel_while_in_progress_cancels_at_the_api_and_ingests_what_finished(
    gen_services: Services, fake_batches: FakeMessageBatches
) -> None:
    fake_batches.polls_until_ended = 5
    fake_batches.polls_after_cancel = 1  # "canceling" once, then ended
    fake_batches.finished_before_cancel = 2
    job = gen_services.batch.create(REQUEST)
    driver = driver_for(gen_services, max_requests=10)
    driver.step(gen_services.db.jobs.get(job.id))  # submitted; in progress
    estimate = gen_services.db.jobs.get(job.id).cost_usd
    (batch_id,) = fake_batches.batches

    gen_services.batch.cancel(job.id)
    assert fake_batches.cancels == [batch_id]  # the API was asked at once
    assert gen_services.db.items.count(where={"job_id": job.id, "status": "processing"}) == 6  # still ending
    driver.step(gen_services.db.jobs.get(job.id))  # the batch has ended now: ingest

    assert _counts(gen_services, job) == ("cancelled", 2, 0, 4)
    assert gen_services.db.conversations.count(where={"job_id": job.id}) == 2
    assert gen_services.db.items.count(where={"job_id": job.id, "status": "processing"}) == 0
    logs = gen_services.db.logs.list(where={"job_id": job.id})
    assert sorted(entry.status for entry in logs) == ["failed"] * 4 + ["success"] * 2
    assert all(entry.cost_usd == 0 for entry in logs if entry.status == "failed")
    cost = gen_services.db.jobs.get(job.id).cost_usd
    assert cost == pytest.approx(_spent(gen_services, job)) and 0 < cost < estimate


def test_cancel_during_submit_cancels_the_batch_being_created(
    gen_services: Services, fake_batches: FakeMessageBatches
) -> None:
    job = gen_services.batch.create(REQUEST)
    cancelled: list[Any] = []

    def cancel_meanwhile(batch: Any) -> None:  # the person clicks Cancel while the batch is being sent
        cancelled.append(gen_services.batch.cancel(job.id))

    fake_batches.on_create = cancel_meanwhile
    fake_batches.polls_until_ended = 5
    driver = driver_for(gen_services, max_requests=4)  # two batches: the second is never sent
    driver.step(gen_services.db.jobs.get(job.id))
    fake_batches.on_create = None
    driver.step(gen_services.db.jobs.get(job.id))  # settle what ended

    assert len(cancelled) == 1 and len(fake_batches.batches) == 1
    assert fake_batches.cancels == list(fake_batches.batches)  # the batch sent meanwhile was cancelled
    assert _counts(gen_services, job) == ("cancelled", 0, 0, 6)
    assert gen_services.db.items.count(where={"job_id": job.id, "status": "processing"}) == 0
    assert gen_services.db.jobs.get(job.id).cost_usd == pytest.approx(0.0) == _spent(gen_services, job)


def test_cancel_after_the_batch_ended_ingests_every_result(
    gen_services: Services, fake_batches: FakeMessageBatches
) -> None:
    fake_batches.polls_until_ended = 2
    job = gen_services.batch.create(REQUEST)
    driver = driver_for(gen_services, max_requests=10)
    driver.step(gen_services.db.jobs.get(job.id))  # submitted; the first poll says in progress
    (batch,) = fake_batches.batches.values()
    batch.retrieves += 1  # it ends at Anthropic before anyone polls again

    gen_services.batch.cancel(job.id)

    assert fake_batches.cancels == []  # nothing left to cancel there
    assert _counts(gen_services, job) == ("cancelled", 6, 0, 0)
    assert gen_services.db.conversations.count(where={"job_id": job.id}) == 6
    assert gen_services.db.jobs.get(job.id).cost_usd == pytest.approx(_spent(gen_services, job))


def test_a_worker_keeps_polling_a_cancelled_batch_until_it_has_ended(
    gen_services: Services, fake_batches: FakeMessageBatches
) -> None:
    import threading

    from core.bootstrap.workers import WorkerOptions, build_worker

    fake_batches.polls_until_ended = 5
    fake_batches.polls_after_cancel = 3  # Anthropic takes a few polls to end it
    fake_batches.finished_before_cancel = 1
    job = gen_services.batch.create(REQUEST)
    worker = build_worker(gen_services, WorkerOptions(poll_s=0.01, batch_poll_s=0.01))
    worker.work_once(gen_services.db.jobs.get(job.id), threading.Event())  # submitted
    gen_services.batch.cancel(job.id)
    assert gen_services.db.items.count(where={"job_id": job.id, "status": "processing"}) == 6

    final = worker.run_until_done(job.id, threading.Event())

    assert final.status == "cancelled" and _counts(gen_services, job) == ("cancelled", 1, 0, 5)
    assert gen_services.db.items.count(where={"job_id": job.id, "status": "processing"}) == 0
