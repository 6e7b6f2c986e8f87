"""Each scripted failure of the fake Messages API: a failure row, a report blob, a log row, no conversation."""

from __future__ import annotations

import json

import pytest

from core.bootstrap import Services
from core.storage.blobs import FAILED_GENERATION_FILES
from tests.fakes.anthropic_server import FakeAnthropicServer

KEYS = ("anxious_planner", "confusion_to_clarity", "roth_ira_conversion")

# behaviour scripted (twice for retried ones) -> failure_type, truncation pattern, log status, error code
CASES = {
    "rate_limited": ("api_error", None, "rate_limited", "rate_limited"),
    "overloaded": ("api_error", None, "failed", "overloaded"),
    "server_error": ("api_error", None, "failed", "server_error"),
    "auth_error": ("api_error", None, "failed", "auth"),
    "max_tokens": ("truncation", "unexpected_stop_reason", "failed", "truncation"),
    "escaped_quote": ("truncation", "truncated_escape_sequence", "failed", "truncation"),
    "garbage": ("parse_error", None, "failed", "parse_error"),
    "schema_violation": ("validation_error", None, "failed", "validation_error"),
}


@pytest.mark.parametrize("behaviour", sorted(CASES))
def test_failure_leaves_a_row_a_report_and_a_log(
    gen_services: Services, fake_claude: FakeAnthropicServer, behaviour: str
) -> None:
    failure_type, pattern, status, code = CASES[behaviour]
    fake_claude.script(behaviour, behaviour)  # the SDK retries retryable errors once
    result = gen_services.generation.generate(*KEYS)
    failure = gen_services.db.failures.get(result.failure.id if result.failure else "")
    assert not result.ok and gen_services.db.conversations.count() == 0
    assert (failure.failure_type, failure.truncation_pattern) == (failure_type, pattern)
    assert failure.conversation_id == result.conversation_id and failure.template_id
    log = gen_services.db.logs.list()[0]
    assert (log.status, log.error_code, log.conversation_id) == (status, code, result.conversation_id)
    assert gen_services.blobs.exists(FAILED_GENERATION_FILES, failure.raw_file_path or "")


def test_report_blob_follows_the_earlier_structure(gen_services: Services, fake_claude: FakeAnthropicServer) -> None:
    fake_claude.script("max_tokens")
    result = gen_services.generation.generate(*KEYS)
    assert result.failure is not None and result.report_path
    report = json.loads(gen_services.blobs.get(FAILED_GENERATION_FILES, result.failure.raw_file_path or ""))
    assert set(report) == {
        "error_report",
        "request_context",
        "raw_response",
        "extracted_content",
        "scaffolding_context",
    }
    assert report["error_report"]["stop_reason"] == "max_tokens"
    assert "max_tokens limit" in report["error_report"]["analysis"]["conclusion"]
    assert report["request_context"]["structured_outputs_enabled"] is True
    assert report["scaffolding_context"]["template_id"] == result.failure.template_id


def test_report_path_is_dated_and_named_for_the_failure(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    fake_claude.script("garbage")
    failure = gen_services.generation.generate(*KEYS).failure
    assert failure is not None and failure.raw_file_path is not None
    year, month, name = failure.raw_file_path.split("/")
    assert (year, month) == (f"{failure.created_at:%Y}", f"{failure.created_at:%m}")
    assert name.startswith(f"failed-{failure.id}-") and ":" not in name


def test_slow_reply_past_the_timeout_is_recorded_as_timeout(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    fake_claude.slow_s = 1.5  # the test client's timeout is 1 second
    fake_claude.script("slow")
    result = gen_services.generation.generate(*KEYS, max_retries=0)
    assert result.failure is not None and result.failure.failure_type == "api_error"
    assert gen_services.db.logs.list()[0].status == "timeout"
    assert result.error is not None and getattr(result.error, "code", None) == "timeout"


def test_rate_limit_error_exposes_status_and_retry_after(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    fake_claude.script("rate_limited")
    result = gen_services.generation.generate(*KEYS, max_retries=0)
    assert fake_claude.request_count == 1
    assert getattr(result.error, "status_code", None) == 429
    assert getattr(result.error, "retry_after", None) == pytest.approx(fake_claude.retry_after_s)


def test_failed_generation_does_not_count_usage(gen_services: Services, fake_claude: FakeAnthropicServer) -> None:
    fake_claude.script("garbage")
    gen_services.generation.generate(*KEYS)
    assert gen_services.scaffolding.get("personas", KEYS[0]).usage_count == 0
