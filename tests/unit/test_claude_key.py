"""The Claude key inside the app: saved owner-only, tested with one real call, checked before a batch."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest

import core.claude_key
from core.bootstrap import Services
from core.claude_key import current_model, model_choices, preflight, refresh, save_key, try_key
from core.errors import LLMUnavailableError, ValidationError
from core.settings import Settings, save_secrets
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / ".streamlit" / "secrets.toml"
    monkeypatch.setenv("BRIGHTRUN_SECRETS_FILE", str(path))
    return path


def test_saving_keeps_other_lines_and_is_readable_only_by_its_owner(secrets: Path) -> None:
    secrets.parent.mkdir()
    secrets.write_text('# mine\nSUPABASE_URL = "x"\nANTHROPIC_API_KEY = "old"\n[connections.db]\nurl = "y"\n')
    save_key("sk-ant-api03-new-key-0123456789")
    text = secrets.read_text()
    assert text.count("ANTHROPIC_API_KEY") == 1 and '"sk-ant-api03-new-key-0123456789"' in text
    assert text.startswith("# mine\n") and '[connections.db]\nurl = "y"' in text
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert Settings().anthropic_api_key.get_secret_value() == "sk-ant-api03-new-key-0123456789"  # type: ignore[union-attr]


def test_a_new_file_is_created_owner_only(secrets: Path) -> None:
    save_secrets({"BRIGHTRUN_MODEL": "claude-sonnet-5-5"})
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600 and Settings().model == "claude-sonnet-5-5"


@pytest.mark.parametrize("bad", ["", "   ", "hello", "sk-ant with spaces inside it"])
def test_something_that_is_not_a_key_is_refused_and_nothing_is_written(secrets: Path, bad: str) -> None:
    with pytest.raises(ValidationError):
        save_key(bad)
    assert not secrets.exists()


def test_trying_a_key_shows_claudes_answer_and_the_cost(claude_settings: Settings, services: Services) -> None:
    result = try_key(claude_settings, FAKE_KEY, svc=services)
    assert result.answer and result.cost_usd > 0 and result.model == claude_settings.model
    logged = services.db.logs.list()
    assert [(log.purpose, log.status) for log in logged] == [("key_test", "success")]


def test_a_refused_key_is_said_in_plain_words(claude_settings: Settings, fake_claude: FakeAnthropicServer) -> None:
    fake_claude.script("auth_error")
    with pytest.raises(LLMUnavailableError, match="did not accept this key"):
        try_key(claude_settings, "sk-ant-wrong-key-000000000")


def test_the_model_list_marks_retired_models_and_puts_current_ones_first() -> None:
    choices = model_choices(today=date(2026, 12, 1))
    by_name = {c.name: c for c in choices}
    assert by_name["claude-sonnet-4-5"].retired and "retired" in by_name["claude-sonnet-4-5"].label
    assert by_name["claude-sonnet-5-5"].label == "claude-sonnet-5-5"
    assert not choices[0].retired and choices[-1].retired
    assert Settings().model == current_model("sonnet") and Settings().cheap_model == current_model("haiku")


def test_a_saved_key_reaches_the_running_services_without_a_restart(secrets: Path, services: Services) -> None:
    assert not services.settings.has_claude_key
    save_key("sk-ant-api03-saved-in-the-app-0000")
    assert refresh(services, Settings())
    assert services.settings.has_claude_key and "llm" not in services.extras
    assert not refresh(services, Settings())


def test_preflight_without_a_key_says_where_to_add_one() -> None:
    with pytest.raises(LLMUnavailableError) as info:
        preflight(Settings())
    assert "Nothing was started" in info.value.message and "Settings page" in (info.value.hint or "")


def test_preflight_with_a_dead_key_refuses_and_a_working_one_is_trusted_a_while(
    claude_settings: Settings, fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.claude_key, "_checked", {})
    fake_claude.script("auth_error")
    with pytest.raises(LLMUnavailableError, match="did not work, so nothing was started"):
        preflight(claude_settings)
    preflight(claude_settings)
    calls = fake_claude.request_count
    preflight(claude_settings)
    assert fake_claude.request_count == calls
