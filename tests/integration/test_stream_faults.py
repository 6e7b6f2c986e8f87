"""Issue 24 item 7: an answer that breaks off is a transient fault on every Claude path. Two faults, from the
fake server: ``stream_cut`` (the events stop halfway, before the stop reason; a plain request gets its JSON
body cut) and ``stream_as_json`` (a misbehaving proxy answers a stream with a plain JSON body, a plain request
with an event stream). Generation (one and in a batch), the quality judge, ``spec integrate``, ``spec
execution-prompts`` and the key test each retry it like a 5xx, then record a failure in plain words."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.batch.service import BatchRequest
from core.bootstrap import Services, build_services
from core.bootstrap.workers import WorkerOptions, build_worker
from core.claude_key import try_key
from core.cli.main import app
from core.errors import LLMError
from core.settings import Settings
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY
from tests.integration.test_enrichment_judge import _ingest
from tests.integration.test_spec_ai_cli import _integrate, _prepared

FAULTS = ("stream_cut", "stream_as_json", "stream_reset")
KEYS = ("anxious_planner", "confusion_to_clarity", "roth_ira_conversion")
PLAIN = "The connection closed before Claude finished"
runner = CliRunner()


@pytest.mark.parametrize("fault", FAULTS)
def test_generation_retries_a_broken_answer_then_records_it_in_plain_words(
    fast_retries: Services, fake_claude: FakeAnthropicServer, fault: str
) -> None:
    fake_claude.script(fault, "success")
    assert fast_retries.generation.generate(*KEYS).ok

    fake_claude.script(fault, fault)
    result = fast_retries.generation.generate(*KEYS)
    assert not result.ok and result.failure is not None
    assert (fast_retries.db.failures.get(result.failure.id).error_message or "").startswith(PLAIN)
    codes = [log.error_code for log in fast_retries.db.logs.list(order_by="created_at")][-2:]
    assert codes in (["bad_reply"] * 2, ["connection"] * 2)  # a dropped connection is the SDK's, as such


@pytest.mark.parametrize("fault", FAULTS)
def test_a_batch_retries_a_broken_answer_then_records_it(
    gen_services: Services, fake_claude: FakeAnthropicServer, fault: str
) -> None:
    fake_claude.script(fault, "success", fault, fault, fault)  # item 1: once, then fine; item 2: every attempt
    keys = {"personas": ["anxious_planner"], "arcs": ["anxiety_to_confidence"], "topics": ["roth_ira_conversion"]}
    job = gen_services.batch.create(BatchRequest(**keys, variations=2, concurrency=1))
    worker = build_worker(gen_services, WorkerOptions(lease_s=30, poll_s=0.05))
    worker.runner.options.max_attempts = 3
    worker.runner.options.retry_base_s = 0.01
    final = worker.run_until_done(job.id, threading.Event())
    assert (final.status, final.successful_items, final.failed_items) == ("completed", 1, 1)
    failed = next(i for i in gen_services.batch.items(job.id) if i.status == "failed")
    assert PLAIN in (failed.error_message or "")


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("persists", [False, True])
def test_the_judge_retries_a_broken_answer_then_records_it(
    fast_retries: Services, fake_claude: FakeAnthropicServer, fault: str, persists: bool
) -> None:
    fake_claude.script(*[fault] * (2 if persists else 1))  # gen_services allow one retry
    cid = _ingest(fast_retries)
    assert fast_retries.enrichment.run_one(cid, judge=True).outcome == "succeeded"
    row = fast_retries.db.conversations.get(cid)
    if persists:
        assert row.empathy_score is None and PLAIN in row.quality_details["judge_error"]
    else:
        assert row.empathy_score == 5.0


@pytest.fixture
def cli_env(fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch) -> FakeAnthropicServer:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    monkeypatch.setenv("BRIGHTRUN_MAX_RETRIES", "1")
    return fake_claude


def _spec_rows() -> list[tuple[str, str | None]]:
    rows = build_services(Settings()).db.logs.list(order_by="created_at")
    return [(r.status, r.error_code) for r in rows]


@pytest.mark.parametrize("fault", FAULTS)
def test_spec_integrate_retries_a_broken_stream_then_fails_in_one_plain_line(
    cli_env: FakeAnthropicServer, tmp_path: Path, fault: str
) -> None:
    cli_env.script(fault)
    assert _integrate(tmp_path / "first.md").exit_code == 0
    assert (tmp_path / "first.md").read_text().strip()

    cli_env.script(fault, fault)
    result = _integrate(tmp_path / "second.md")
    assert result.exit_code == 1 and PLAIN in " ".join(result.output.split()) and "Traceback" not in result.output
    assert not (tmp_path / "second.md").exists()
    assert isinstance(result.exception, SystemExit)
    failures = build_services(Settings()).db.failures.list()
    assert [(f.error_message or "").startswith(PLAIN) for f in failures] == [True]


@pytest.mark.parametrize("fault", FAULTS)
def test_spec_execution_prompts_retry_a_broken_stream_then_fail_in_one_plain_line(
    cli_env: FakeAnthropicServer, tmp_path: Path, fault: str
) -> None:
    folder = _prepared(tmp_path)
    cli_env.script(fault)
    assert runner.invoke(app, ["spec", "execution-prompts", str(folder), "--sections", "E01"]).exit_code == 0

    cli_env.script(fault, fault)
    result = runner.invoke(app, ["spec", "execution-prompts", str(folder), "--sections", "E02"])
    assert result.exit_code == 1 and PLAIN in " ".join(result.output.split()) and "Traceback" not in result.output
    assert not list(folder.glob("*E02-execution-prompts.md"))
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("fault", FAULTS)
def test_the_key_test_retries_a_broken_answer_then_says_so(
    claude_settings: Settings, fake_claude: FakeAnthropicServer, fault: str
) -> None:
    fake_claude.script(fault)
    assert try_key(claude_settings, FAKE_KEY).answer

    fake_claude.script(fault, fault)  # claude_settings allow one retry
    with pytest.raises(LLMError) as info:
        try_key(claude_settings, FAKE_KEY)
    assert info.value.message.startswith(PLAIN) and fake_claude.request_count == 4
