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
    assert "Settings page" in " ".join(str(i.value) for i in at.info)
    assert "## This conversation" in _text(at)  # the system prompt preview, under Advanced
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
    assert "Enriched" in _text(at)  # enriched right after writing (the setting is on by default)


def test_regenerate_then_delete_and_undo_from_the_page(
    defaults_installed: None, fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    at = _open_page()
    at.button(key="generate_run").click().run()
    first = at.session_state["generate_last"]["conversation_id"]
    at.button(key="generate_regenerate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    services = build_services(Settings())
    second = at.session_state["generate_last"]["conversation_id"]
    assert second != first and services.db.conversations.get(second).regenerated_from == first
    assert services.db.conversations.get(first).review_status == "archived"
    assert "archived and linked" in _text(at) + " ".join(str(c.value) for c in at.caption)
    picker = next(box for box in at.selectbox if box.label == "Conversation")
    assert picker.value == second  # the new attempt comes up first
    at.button(key="generate_delete").click().run()
    assert not services.db.conversations.get(second).is_active
    assert any("Deleted" in s.value for s in at.success)
    at.button(key="generate_undo_delete").click().run()
    assert services.db.conversations.get(second).is_active
    assert any("Restored" in s.value for s in at.success)


def test_empty_app_points_to_scaffolding() -> None:
    at = _open_page()
    assert not at.exception and "Install the defaults" in at.info[0].value


def test_regenerating_an_approved_conversation_asks_first_and_cancel_writes_nothing(
    defaults_installed: None, fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.review.guards import RISKS

    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    at = _open_page()
    at.button(key="generate_run").click().run()
    first = at.session_state["generate_last"]["conversation_id"]
    services = build_services(Settings())
    services.review.decide(first, "approve", "Rita", confirm=RISKS)
    calls = fake_claude.request_count
    at.button(key="generate_regenerate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("it is approved" in str(w.value) and "anyway" in str(w.value) for w in at.warning)
    assert fake_claude.request_count == calls  # asked first: nothing written, nothing paid
    at.button(key="generate_confirm_replace_no").click().run()
    assert fake_claude.request_count == calls and not at.warning
    assert services.db.conversations.get(first).review_status == "approved"
    at.button(key="generate_regenerate").click().run()
    at.button(key="generate_confirm_replace_yes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    second = at.session_state["generate_last"]["conversation_id"]
    assert second != first and services.db.conversations.get(first).review_status == "archived"
