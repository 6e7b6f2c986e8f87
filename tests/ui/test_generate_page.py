"""The Generate page: preview without a key, and a generated chat through the fake Claude server."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.bootstrap import build_services
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _open_page() -> AppTest:
    """The page inside the app's navigation, so its page links resolve as they do for a person."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page("pages/generate.py").run()


@pytest.fixture
def defaults_installed() -> None:
    services = build_services(Settings())
    install_defaults(services.scaffolding)
    services.close()


def _text(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.info, *at.code, *at.warning, *at.markdown])


def test_without_a_key_the_page_previews_prompts_and_says_how_to_add_one(defaults_installed: None) -> None:
    at = _open_page()
    assert not at.exception, [e.value for e in at.exception]
    assert "ANTHROPIC_API_KEY" in " ".join(str(i.value) for i in at.info)
    assert "## This conversation" in _text(at)  # the system prompt preview
    assert at.button(key="generate_run").disabled


def test_with_a_key_generate_shows_the_conversation_as_a_chat(
    defaults_installed: None, fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    at = _open_page()
    at.button(key="generate_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.chat_message) == 4 and fake_claude.request_count == 1
    assert "intensity" in " ".join(str(c.value) for c in at.caption)


def test_empty_app_points_to_scaffolding() -> None:
    at = _open_page()
    assert not at.exception and "Install the defaults" in at.info[0].value
