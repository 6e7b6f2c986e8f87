"""``python -m core generate``: prints the new id, or the failure and its report, with the exit code."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from core.bootstrap import build_services
from core.cli.main import app
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY

ARGS = ["generate", "--persona", "anxious_planner", "--arc", "confusion_to_clarity", "--topic", "roth_ira_conversion"]


@pytest.fixture
def cli_env(fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch) -> FakeAnthropicServer:
    """The CLI builds its own services from the environment: point it at the fake server."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    monkeypatch.setenv("BRIGHTRUN_MAX_RETRIES", "0")
    services = build_services(Settings())
    install_defaults(services.scaffolding)
    services.close()
    return fake_claude


def test_generate_prints_the_new_conversation_id(cli_env: FakeAnthropicServer) -> None:
    result = CliRunner().invoke(app, ARGS)
    assert result.exit_code == 0, result.output
    services = build_services(Settings())
    assert services.db.conversations.get(result.stdout.strip()).persona_key == "anxious_planner"


@pytest.mark.parametrize(("setting", "expected"), [(None, "completed"), ("false", "not_started")])
def test_generate_enriches_right_after_writing_unless_the_setting_is_off(
    cli_env: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch, setting: str | None, expected: str
) -> None:
    if setting is not None:
        monkeypatch.setenv("BRIGHTRUN_ENRICH_AFTER_GENERATE", setting)
    result = CliRunner().invoke(app, ARGS)
    assert result.exit_code == 0, result.output
    row = build_services(Settings()).db.conversations.get(result.stdout.strip())
    assert row.enrichment_status == expected


def test_generate_failure_names_the_report_and_exits_non_zero(cli_env: FakeAnthropicServer) -> None:
    cli_env.script("max_tokens")
    result = CliRunner().invoke(app, [*ARGS, "--tier", "template"])
    assert result.exit_code == 1
    assert "truncation" in result.output and "Report: failed-generation-files/" in result.output


def test_generate_without_a_key_says_how_to_add_one(monkeypatch: pytest.MonkeyPatch) -> None:
    install_defaults(build_services(Settings()).scaffolding)
    result = CliRunner().invoke(app, ARGS)
    assert result.exit_code == 1 and "ANTHROPIC_API_KEY" in result.output


def test_generate_with_unknown_template_names_it(cli_env: FakeAnthropicServer) -> None:
    result = CliRunner().invoke(app, [*ARGS, "--template", "No Such Template"])
    assert result.exit_code == 1 and "No Such Template" in result.output
    assert cli_env.request_count == 0
