"""Item 5 and item 13 (key redaction) of issue 13: replies that are not a Messages API body (a cut JSON body,
a proxy's HTML page, ``{"type": "message"}``), NUL characters, and an error body echoing the API key, in
single generation and in batches: a recorded failure (retried where a retry helps), a report, a log row per
call, no traceback, no NUL in the database on either backend, and the key nowhere."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from core.batch.service import BatchRequest
from core.bootstrap import Services
from core.bootstrap.workers import WorkerOptions, build_worker
from core.errors import BrightRunError
from core.llm.redact import REDACTED
from core.storage.blobs import CONVERSATION_FILES, FAILED_GENERATION_FILES
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY
from tests.support.batch_workers import Backend, backend

__all__ = ["backend"]
KEYS = ("anxious_planner", "confusion_to_clarity", "roth_ira_conversion")
BROKEN = ("cut_body", "html_page", "bare_message")


@pytest.mark.parametrize("behaviour", BROKEN)
def test_a_broken_reply_is_retried_then_recorded_as_a_failure(
    fast_retries: Services, fake_claude: FakeAnthropicServer, behaviour: str
) -> None:
    fake_claude.script(behaviour, behaviour)  # the first call and its one retry
    result = fast_retries.generation.generate(*KEYS)
    assert not result.ok and result.failure is not None and fake_claude.request_count == 2
    failure = fast_retries.db.failures.get(result.failure.id)
    assert failure.failure_type == "api_error" and "could not be read" in (failure.error_message or "")
    report = json.loads(fast_retries.blobs.get(FAILED_GENERATION_FILES, failure.raw_file_path or ""))
    assert report["error_report"]["error_message"] == failure.error_message
    logs = fast_retries.db.logs.list(order_by="retry_attempt")
    assert [(log.status, log.error_code, log.retry_attempt) for log in logs] == [
        ("failed", "bad_reply", 0),
        ("failed", "bad_reply", 1),
    ]


@pytest.mark.parametrize("behaviour", BROKEN)
def test_a_broken_reply_followed_by_a_good_one_succeeds(
    fast_retries: Services, fake_claude: FakeAnthropicServer, behaviour: str
) -> None:
    fake_claude.script(behaviour, "success")
    result = fast_retries.generation.generate(*KEYS)
    assert result.ok and fast_retries.db.failures.count() == 0
    assert [log.status for log in fast_retries.db.logs.list(order_by="retry_attempt")] == ["failed", "success"]


@pytest.fixture
def backend_services(backend: Backend, fake_claude: FakeAnthropicServer) -> Iterator[Services]:
    built = backend.services(anthropic_api_key=FAKE_KEY, anthropic_base_url=fake_claude.url, max_retries=0)
    yield built
    built.close()


def test_nul_characters_are_removed_the_same_on_both_backends(
    backend_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    fake_claude.script("nul_byte")
    result = backend_services.generation.generate(*KEYS)
    assert result.ok and result.conversation is not None
    stored = backend_services.db.conversations.get(result.conversation.conversation_id)
    raw = backend_services.blobs.get(CONVERSATION_FILES, stored.raw_response_path or "").decode()
    parsed = backend_services.blobs.get(CONVERSATION_FILES, stored.file_path or "").decode()
    assert "\x00" not in raw and "\\u0000" not in parsed and "\x00" not in stored.search_text
    assert "and more" in stored.search_text


def test_broken_replies_in_a_batch_are_retried_and_recorded(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    fake_claude.script("cut_body", "success", *["html_page"] * 5)  # item 1: once, then fine; item 2: always
    keys = {"personas": ["anxious_planner"], "arcs": ["anxiety_to_confidence"], "topics": ["roth_ira_conversion"]}
    job = gen_services.batch.create(BatchRequest(**keys, variations=2, concurrency=1))
    worker = build_worker(gen_services, WorkerOptions(lease_s=30, poll_s=0.05))
    worker.runner.options.max_attempts = 5
    worker.runner.options.retry_base_s = 0.01
    final = worker.run_until_done(job.id, threading.Event())
    items = gen_services.batch.items(job.id)
    assert (final.status, final.successful_items, final.failed_items) == ("completed", 1, 1)
    failed = next(i for i in items if i.status == "failed")
    assert failed.failure_id and "could not be read" in (failed.error_message or "")
    assert gen_services.db.failures.get(failed.failure_id).raw_file_path
    logs = gen_services.db.logs.list(where={"job_id": job.id})
    assert len(logs) == fake_claude.request_count == 7
    assert sum(1 for log in logs if log.error_code == "bad_reply") == 6


def test_an_error_body_that_echoes_the_key_never_shows_it(
    fast_retries: Services, fake_claude: FakeAnthropicServer
) -> None:
    fake_claude.script("echo_key", "echo_key")
    result = fast_retries.generation.generate(*KEYS)
    assert result.failure is not None and isinstance(result.error, BrightRunError)
    failure = fast_retries.db.failures.get(result.failure.id)
    report = fast_retries.blobs.get(FAILED_GENERATION_FILES, failure.raw_file_path or "").decode()
    texts = [result.error.user_message, report, failure.model_dump_json()]
    texts += [log.model_dump_json() for log in fast_retries.db.logs.list()]
    assert all(FAKE_KEY not in text for text in texts)
    assert REDACTED in (failure.error_message or "")
