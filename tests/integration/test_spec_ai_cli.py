"""`spec integrate` and `spec execution-prompts` against the fake Messages API: a full run from the merge
inputs to execution prompts, truncation, estimates before any call, budgets, and calls logged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from core.bootstrap import build_services
from core.cli.main import app
from core.settings import Settings
from core.spec import execution
from core.spec.claude_calls import CallContext, CallOutcome, PlannedCall
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY
from tests.fakes.message_batches import FakeMessageBatches

INPUTS = Path(__file__).resolve().parents[1] / "fixtures" / "spec_pipeline"
runner = CliRunner()


@pytest.fixture
def cli_env(fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch) -> FakeAnthropicServer:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    monkeypatch.setenv("BRIGHTRUN_MAX_RETRIES", "0")
    return fake_claude


def _integrate(out: Path, *extra: str) -> Result:
    names = {
        "--structured": "04c-tiny-structured-from-wireframe_v1.md",
        "--inventory": "04d-tiny-infrastructure-inventory_v1.md",
        "--strategy": "04d-tiny-extension-strategy_v1.md",
        "--guide": "04d-tiny-implementation-guide_v1.md",
    }
    inputs = [part for option, name in names.items() for part in (option, str(INPUTS / name))]
    return runner.invoke(app, ["spec", "integrate", *inputs, "--out", str(out), *extra])


def _prepared(tmp_path: Path) -> Path:
    """An integrated spec written by the fake Claude, split, with meta-prompts: the folder to run on."""
    spec = tmp_path / "04e-tiny-integrated-extension-spec_v1.md"
    assert _integrate(spec).exit_code == 0
    folder = tmp_path / "full-build"
    assert runner.invoke(app, ["spec", "split", str(spec), "--product", "tiny", "--out", str(folder)]).exit_code == 0
    assert runner.invoke(app, ["spec", "meta-prompts", str(folder)]).exit_code == 0
    return folder


def _logs() -> list[tuple[str, str, str | None]]:
    services = build_services(Settings())
    rows = services.db.logs.list(order_by="created_at")
    return [(r.purpose, r.status, r.stop_reason) for r in rows]


def test_full_run_from_merge_inputs_to_execution_prompts(cli_env: FakeAnthropicServer, tmp_path: Path) -> None:
    folder = _prepared(tmp_path)

    result = runner.invoke(app, ["spec", "execution-prompts", str(folder)])

    assert result.exit_code == 0, result.output
    for code, builds_on in (("E01", "nothing earlier"), ("E02", "E01"), ("E03", "E01, E02")):
        text = (folder / f"04f-tiny-build-section-{code}-execution-prompts.md").read_text()
        assert text.endswith(f"END OF SECTION {code} PROMPTS\n")
        assert f"**Builds on**: {builds_on}" in text  # in order: each prompt carried the earlier ones
    assert (
        "# PROMPT 2: FR-2.2: Order Detail" in (folder / "04f-tiny-build-section-E02-execution-prompts.md").read_text()
    )
    index = (folder / "INDEX.md").read_text()
    assert "[04f-tiny-build-section-E03-execution-prompts.md](04f-tiny-build-section-E03-execution-prompts.md)" in index
    assert (
        _logs() == [("spec_integrate", "success", "end_turn")] + [("spec_execution_prompts", "success", "end_turn")] * 3
    )


def test_execution_prompts_share_the_integrated_spec_through_the_cache(
    cli_env: FakeAnthropicServer, tmp_path: Path
) -> None:
    folder = _prepared(tmp_path)
    runner.invoke(app, ["spec", "execution-prompts", str(folder)])

    requests = [r.body for r in cli_env.message_requests()][1:]
    systems = [r["system"][0] for r in requests]
    assert all(s["cache_control"] == {"type": "ephemeral"} for s in systems)
    assert len({s["text"] for s in systems}) == 1
    assert "## SECTION 3: Reports - INTEGRATED" in systems[0]["text"]
    assert all(r.body["stream"] is True for r in cli_env.message_requests())
    services = build_services(Settings())
    reads = [r.cache_read_tokens for r in services.db.logs.list(order_by="created_at")][2:]
    assert reads and all(n > 0 for n in reads)


def test_integrate_truncated_reply_is_continued_into_the_whole_spec(
    cli_env: FakeAnthropicServer, tmp_path: Path
) -> None:
    whole, cut = tmp_path / "whole.md", tmp_path / "cut.md"
    assert _integrate(whole).exit_code == 0
    cli_env.script("max_tokens")

    result = _integrate(cut)

    assert result.exit_code == 0, result.output
    assert "1 continuation(s)" in result.output
    assert cut.read_text() == whole.read_text()
    continued = cli_env.message_requests()[-1].body["messages"]
    assert [m["role"] for m in continued] == ["user", "assistant", "user"]


def test_reply_still_cut_off_after_continuations_is_a_failure_and_no_file(
    cli_env: FakeAnthropicServer, tmp_path: Path
) -> None:
    folder = _prepared(tmp_path)
    cli_env.script("max_tokens", "max_tokens", "max_tokens", "max_tokens")

    result = runner.invoke(app, ["spec", "execution-prompts", str(folder), "--sections", "E02"])

    assert result.exit_code == 1
    assert "E02: not written: Claude's answer was still cut off after 3 continuation(s)" in result.output
    assert not (folder / "04f-tiny-build-section-E02-execution-prompts.md").exists()
    services = build_services(Settings())
    failure = services.db.failures.list()[0]
    assert (failure.failure_type, failure.stop_reason, failure.conversation_id) == ("truncation", "max_tokens", None)
    assert _logs()[-1] == ("spec_execution_prompts", "failed", "max_tokens")


def test_estimate_only_prints_the_estimate_and_sends_nothing(cli_env: FakeAnthropicServer, tmp_path: Path) -> None:
    result = _integrate(tmp_path / "spec.md", "--estimate-only")

    assert result.exit_code == 0, result.output
    assert "Estimate: about $" in result.output
    assert cli_env.request_count == 0
    assert not (tmp_path / "spec.md").exists()


def test_estimate_is_printed_before_the_run(cli_env: FakeAnthropicServer, tmp_path: Path) -> None:
    folder = _prepared(tmp_path)
    sent = cli_env.request_count

    result = runner.invoke(app, ["spec", "execution-prompts", str(folder), "--sections", "E01,E03", "--estimate-only"])

    assert result.exit_code == 0, result.output
    assert "Execution prompts E01: about" in result.output and "Execution prompts E03: about" in result.output
    assert "E02" not in result.output
    assert cli_env.request_count == sent


def test_budget_below_the_estimate_stops_before_any_call(cli_env: FakeAnthropicServer, tmp_path: Path) -> None:
    folder = _prepared(tmp_path)
    sent = cli_env.request_count

    result = runner.invoke(app, ["spec", "execution-prompts", str(folder), "--budget", "0.0001"])

    assert result.exit_code == 1
    assert "The budget of $0.00 would be passed" in result.output
    assert cli_env.request_count == sent
    assert not list(folder.glob("*-execution-prompts.md"))


def test_a_run_stops_midway_once_what_was_spent_leaves_no_room_for_the_next_section(
    cli_env: FakeAnthropicServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _prepared(tmp_path)
    estimate = runner.invoke(app, ["spec", "execution-prompts", str(folder), "--estimate-only"]).output
    budget = float(re.search(r"Estimate: about \$([0-9.]+)", estimate).group(1)) + 0.0001  # type: ignore[union-attr]
    real_call = execution.run_call

    def longer_than_planned(ctx: CallContext, planned: PlannedCall, purpose: str) -> CallOutcome:
        outcome = real_call(ctx, planned, purpose)  # the real call; the model just wrote far more than planned
        return outcome.model_copy(update={"cost_usd": budget * 0.8})

    monkeypatch.setattr(execution, "run_call", longer_than_planned)
    sent = cli_env.request_count

    result = runner.invoke(app, ["spec", "execution-prompts", str(folder), "--budget", str(budget)])

    assert result.exit_code == 1
    assert cli_env.request_count == sent + 1  # E01 only: nothing was sent for E02 and E03
    assert (folder / "04f-tiny-build-section-E01-execution-prompts.md").is_file()
    assert not (folder / "04f-tiny-build-section-E02-execution-prompts.md").exists()
    assert "E02: not written: The budget of" in result.output and "E03: not written: The budget of" in result.output


def test_rerun_of_one_section_leaves_the_others_untouched(cli_env: FakeAnthropicServer, tmp_path: Path) -> None:
    folder = _prepared(tmp_path)
    runner.invoke(app, ["spec", "execution-prompts", str(folder)])
    others = {
        n: (folder / n).stat().st_mtime_ns for n in ("INDEX.md", "04f-tiny-build-section-E01-execution-prompts.md")
    }

    result = runner.invoke(app, ["spec", "execution-prompts", str(folder), "--sections", "E03", "--force"])

    assert result.exit_code == 0, result.output
    assert {n: (folder / n).stat().st_mtime_ns for n in others} == others
    assert "**Builds on**: E01, E02" in (folder / "04f-tiny-build-section-E03-execution-prompts.md").read_text()


def test_message_batches_mode_writes_every_section(cli_env: FakeAnthropicServer, tmp_path: Path) -> None:
    FakeMessageBatches(cli_env)
    folder = _prepared(tmp_path)
    online = cli_env.request_count

    args = ["spec", "execution-prompts", str(folder), "--mode", "message_batches", "--poll-seconds", "0.01"]
    result = runner.invoke(app, args)

    assert result.exit_code == 0, result.output
    assert "**Builds on**: nothing earlier" in (folder / "04f-tiny-build-section-E03-execution-prompts.md").read_text()
    assert cli_env.request_count == online  # no online call: the three sections went in one batch
    assert [r.path for r in cli_env.requests if r.method == "POST"][-1] == "/v1/messages/batches"


def test_missing_merge_input_is_named_before_any_call(cli_env: FakeAnthropicServer, tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("   \n")
    args = ["spec", "integrate", "--structured", str(empty)]
    for option in ("--inventory", "--strategy", "--guide"):
        args += [option, str(INPUTS / "04d-tiny-extension-strategy_v1.md")]

    result = runner.invoke(app, [*args, "--out", str(tmp_path / "o.md")])

    assert result.exit_code == 1
    assert "missing or empty: Structured spec." in " ".join(result.output.split())
    assert cli_env.request_count == 0


def test_without_a_key_the_estimate_is_shown_then_how_to_add_one(tmp_path: Path) -> None:
    result = _integrate(tmp_path / "spec.md")

    assert result.exit_code == 1
    assert "Estimate: about $" in result.output and "ANTHROPIC_API_KEY" in result.output


def test_concurrent_sections_do_not_see_each_others_prompts(cli_env: FakeAnthropicServer, tmp_path: Path) -> None:
    folder = _prepared(tmp_path)

    result = runner.invoke(app, ["spec", "execution-prompts", str(folder), "--concurrent"])

    assert result.exit_code == 0, result.output
    assert "Sections run at once." in result.output
    for code in ("E01", "E02", "E03"):
        text = (folder / f"04f-tiny-build-section-{code}-execution-prompts.md").read_text()
        assert "**Builds on**: nothing earlier" in text


def test_an_overloaded_call_is_retried_and_each_attempt_has_its_own_log_row(
    cli_env: FakeAnthropicServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIGHTRUN_MAX_RETRIES", "2")
    cli_env.script("overloaded")
    assert _integrate(tmp_path / "04e-tiny-integrated-extension-spec_v1.md").exit_code == 0
    services = build_services(Settings())
    rows = services.db.logs.list(order_by="retry_attempt")
    assert [(r.status, r.retry_attempt) for r in rows] == [("failed", 0), ("success", 1)]
    assert "overloaded" in (rows[0].error_message or "")
