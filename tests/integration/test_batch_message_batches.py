"""Message Batches mode against the fake server: create (split at the limits), poll, results with some
errored items, resubmit only the failed ones, batch prices."""

from __future__ import annotations

import pytest

from core.batch.message_batches import MessageBatchDriver, split
from core.batch.runner import worker_id
from core.batch.service import BatchRequest
from core.bootstrap import Services
from core.bootstrap.workers import build_worker
from core.errors import LLMError
from core.llm.pricing import cost_usd
from core.llm.types import LLMUsage, MessageRequest
from core.models.jobs import BatchJob
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.message_batches import FakeMessageBatches

REQUEST = BatchRequest(
    personas=["anxious_planner", "recently_widowed"],
    arcs=["anxiety_to_confidence"],
    topics=["ignored_401k", "eldercare_costs", "long_term_care"],
    mode="message_batches",
)


@pytest.fixture
def fake_batches(fake_claude: FakeAnthropicServer) -> FakeMessageBatches:
    return FakeMessageBatches(fake_claude, polls_until_ended=2)


def driver_for(services: Services, *, max_requests: int = 4) -> MessageBatchDriver:
    worker = build_worker(services)
    assert isinstance(worker.message_batches, MessageBatchDriver)
    return MessageBatchDriver(
        services.batch_store,
        worker.message_batches.processor,
        lambda: services.llm,
        owner=worker_id(),
        max_requests=max_requests,
    )


def run_two_steps(services: Services, driver: MessageBatchDriver, job: BatchJob) -> BatchJob:
    driver.step(services.db.jobs.get(job.id))  # submit; the first poll still says in_progress
    assert services.db.items.count(where={"job_id": job.id, "status": "processing"}) > 0
    driver.step(services.db.jobs.get(job.id))  # ended: ingest
    return services.db.jobs.get(job.id)


def test_a_job_is_split_sent_polled_and_ingested_with_failures_recorded(
    gen_services: Services, fake_batches: FakeMessageBatches
) -> None:
    job = gen_services.batch.create(REQUEST)
    items = gen_services.batch.items(job.id)
    fake_batches.errored.update({items[1].id, items[4].id})
    done = run_two_steps(gen_services, driver_for(gen_services), job)
    assert [len(b.requests) for b in fake_batches.batches.values()] == [4, 2]
    assert len(done.message_batch_ids) == 2
    assert (done.status, done.successful_items, done.failed_items) == ("completed", 4, 2)
    failed = gen_services.batch.items(job.id, status="failed")
    assert {i.id for i in failed} == fake_batches.errored
    assert all("errored" in (i.error_message or "") and i.failure_id for i in failed)
    assert gen_services.db.conversations.count(where={"job_id": job.id}) == 4


def test_message_batches_results_are_priced_at_the_batch_rate(
    gen_services: Services, fake_batches: FakeMessageBatches
) -> None:
    job = gen_services.batch.create(REQUEST)
    run_two_steps(gen_services, driver_for(gen_services), job)
    log = gen_services.db.logs.list(where={"job_id": job.id, "status": "success"})[0]
    usage = LLMUsage(
        input_tokens=log.input_tokens,
        output_tokens=log.output_tokens,
        cache_read_tokens=log.cache_read_tokens,
        cache_write_tokens=log.cache_write_tokens,
    )
    prices = gen_services.settings.prices_per_mtok
    assert log.cost_usd == pytest.approx(cost_usd(log.model, usage, prices, batch=True))
    assert log.cost_usd == pytest.approx(cost_usd(log.model, usage, prices) / 2, rel=1e-3)


def test_resubmit_sends_only_the_failed_items(gen_services: Services, fake_batches: FakeMessageBatches) -> None:
    job = gen_services.batch.create(REQUEST)
    failed_ids = {i.id for i in gen_services.batch.items(job.id)[:2]}
    fake_batches.errored.update(failed_ids)
    driver = driver_for(gen_services, max_requests=100)
    run_two_steps(gen_services, driver, job)
    fake_batches.errored.clear()
    assert gen_services.batch.resubmit_failed(job.id) == 2
    done = run_two_steps(gen_services, driver, job)
    last = list(fake_batches.batches.values())[-1]
    assert {r["custom_id"] for r in last.requests} == failed_ids
    assert (done.status, done.successful_items, done.failed_items, done.total_items) == ("completed", 6, 0, 6)


def test_cancel_in_message_batches_mode_leaves_nothing_processing(
    gen_services: Services, fake_batches: FakeMessageBatches
) -> None:
    fake_batches.polls_until_ended = 5  # still in progress when cancelled: cancelled at the API, nothing answered
    job = gen_services.batch.create(REQUEST)
    driver_for(gen_services).step(gen_services.db.jobs.get(job.id))
    cancelled = gen_services.batch.cancel(job.id)
    assert (cancelled.status, cancelled.cancelled_items, cancelled.total_items) == ("cancelled", 6, 6)
    assert gen_services.db.items.count(where={"job_id": job.id, "status": "processing"}) == 0


def test_requests_are_split_by_count_and_by_size() -> None:
    request = MessageRequest(model="m", max_tokens=10, messages=[{"role": "user", "content": "x" * 1000}])
    pairs = [(f"id-{n}", request) for n in range(5)]
    assert [len(c) for c in split(pairs, max_requests=2, max_bytes=10**9)] == [2, 2, 1]
    assert [len(c) for c in split(pairs, max_requests=100, max_bytes=2500)] == [2, 2, 1]


def test_results_are_ingested_with_the_request_and_snapshot_stored_at_submission(
    gen_services: Services, fake_batches: FakeMessageBatches
) -> None:
    job = gen_services.batch.create(REQUEST)
    driver = driver_for(gen_services, max_requests=10)
    driver.step(gen_services.db.jobs.get(job.id))  # submitted; still in progress
    sent = {entry["custom_id"]: entry["params"] for b in fake_batches.batches.values() for entry in b.requests}
    stored = {i.id: i.submitted_request for i in gen_services.batch.items(job.id)}
    assert all(stored[item_id] and stored[item_id]["params"] == params for item_id, params in sent.items())
    # The scaffolding changes while the batch runs (up to a day): a persona renamed, a template rewritten.
    persona = gen_services.scaffolding.get("personas", "anxious_planner")
    gen_services.db.personas.update(persona.id, name="Renamed Meanwhile")
    for template in gen_services.db.templates.list():
        gen_services.db.templates.update(template.id, template_text=template.template_text + "\nChanged meanwhile.")
    driver.step(gen_services.db.jobs.get(job.id))  # ended: ingest
    done = gen_services.db.jobs.get(job.id)
    assert (done.status, done.successful_items) == ("completed", len(sent))
    for item in gen_services.batch.items(job.id):
        row = gen_services.db.conversations.get(item.conversation_id or "")
        frozen = stored[item.id] or {}
        assert row.scaffolding_snapshot == frozen["snapshot"]  # what was sent, not what is there now
        assert "Renamed Meanwhile" not in str(row.scaffolding_snapshot) and "Changed meanwhile" not in str(
            row.scaffolding_snapshot
        )
        log = gen_services.db.logs.list(where={"conversation_id": row.conversation_id})[0]
        assert log.request_payload is not None and log.request_payload["prompt"] == frozen["user_prompt"]


def test_each_call_is_logged_as_sent_when_submitted_and_completed_when_ingested(
    gen_services: Services, fake_batches: FakeMessageBatches
) -> None:
    job = gen_services.batch.create(REQUEST)
    errored = gen_services.batch.items(job.id)[0].id
    fake_batches.errored.add(errored)
    driver = driver_for(gen_services, max_requests=10)
    driver.step(gen_services.db.jobs.get(job.id))  # submitted; still in progress
    sent = gen_services.db.logs.list(where={"job_id": job.id})
    assert len(sent) == 6 and {entry.status for entry in sent} == {"sent"}
    # A worker killed now still leaves every call counted toward the job's spend (their estimates).
    spent = gen_services.db.jobs.get(job.id).cost_usd
    assert spent > 0 and spent == pytest.approx(sum(entry.cost_usd for entry in sent))
    driver.step(gen_services.db.jobs.get(job.id))  # ended: ingest completes the same rows, adds none
    done = gen_services.db.logs.list(where={"job_id": job.id})
    assert {entry.id for entry in done} == {entry.id for entry in sent}
    by_conversation = {entry.conversation_id: entry for entry in done}
    items = {item.id: item for item in gen_services.batch.items(job.id)}
    failed_log = [e for e in done if e.status == "failed"]
    assert len(failed_log) == 1 and failed_log[0].cost_usd == 0
    assert items[errored].status == "failed"
    assert all(e.status == "success" and e.cost_usd > 0 for e in done if e is not failed_log[0])
    assert gen_services.db.jobs.get(job.id).cost_usd == pytest.approx(sum(e.cost_usd for e in done))
    assert len(by_conversation) == 6


def test_a_batch_the_api_refused_leaves_its_calls_failed_at_no_cost_and_its_items_queued(
    gen_services: Services, fake_batches: FakeMessageBatches, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = gen_services.batch.create(REQUEST)

    def refuse(requests: object) -> None:
        raise LLMError("Claude is overloaded.", code="overloaded")

    monkeypatch.setattr(gen_services.llm, "create_message_batch", refuse)
    assert driver_for(gen_services, max_requests=10).submit(gen_services.db.jobs.get(job.id)) == 0
    logs = gen_services.db.logs.list(where={"job_id": job.id})
    assert len(logs) == 6 and {(log.status, log.cost_usd) for log in logs} == {("failed", 0.0)}
    assert gen_services.db.jobs.get(job.id).cost_usd == pytest.approx(0.0)
    assert {item.status for item in gen_services.batch.items(job.id)} == {"queued"}
