"""The Settings page: paste a key, test it against the (fake) Messages API, save it for every page."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.anthropic_server import FakeAnthropicServer

APP = str(Path(__file__).resolve().parents[2] / "app.py")
KEY = "sk-ant-api03-pasted-in-the-page-0000"


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_claude: FakeAnthropicServer) -> Path:
    path = tmp_path / "secrets.toml"
    monkeypatch.setenv("BRIGHTRUN_SECRETS_FILE", str(path))
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    return path


def _open() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run().switch_page("pages/settings.py").run()


def _key_box(at: AppTest):  # type: ignore[no-untyped-def]
    return next(t for t in at.text_input if t.label == "Your Claude key")


def _page_text(at: AppTest) -> str:
    parts = [m.value for m in (*at.markdown, *at.caption, *at.success, *at.warning, *at.info, *at.error)]
    return " ".join(str(p) for p in parts)


def test_without_a_key_the_page_says_so_and_links_to_the_console(secrets: Path) -> None:
    at = _open()
    assert not at.exception, [e.value for e in at.exception]
    assert "No key yet" in _page_text(at)
    assert any("console.anthropic.com/settings/keys" in str(b.proto.url) for b in at.get("link_button"))


def test_testing_a_pasted_key_shows_the_answer_and_the_cost(secrets: Path) -> None:
    at = _open()
    _key_box(at).set_value(KEY)
    at = next(b for b in at.button if b.label == "Test key").click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = _page_text(at)
    assert "The key works" in text and "This test cost $" in text
    assert KEY not in text and not secrets.exists()


def test_saving_a_key_writes_it_owner_only_and_the_whole_app_uses_it_at_once(secrets: Path) -> None:
    at = _open()
    _key_box(at).set_value(KEY)
    at = next(b for b in at.button if b.label == "Save key").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert KEY in secrets.read_text() and stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert KEY not in _page_text(at) and _key_box(at).value == ""
    # The same running app (no restart): the next page anyone opens knows the key.
    home = AppTest.from_file(APP, default_timeout=60).run()
    assert any("Claude key configured" in s.value for s in home.sidebar.success)


def test_an_empty_or_wrong_key_is_answered_in_plain_words(secrets: Path) -> None:
    at = _open()
    at = next(b for b in at.button if b.label == "Save key").click().run()
    assert "Paste your Claude key first." in _page_text(at)
    _key_box(at).set_value("my password")
    at = next(b for b in at.button if b.label == "Save key").click().run()
    assert not at.exception and "does not look like a Claude key" in _page_text(at)
    assert not secrets.exists()


def test_on_supabase_the_key_stays_server_configuration(secrets: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPABASE_DB_URL", "postgresql://nobody@127.0.0.1:1/none")
    at = AppTest.from_file(str(Path(APP).parent / "pages" / "settings.py"), default_timeout=60).run()
    assert "server's own configuration" in _page_text(at)
    assert not at.text_input


def test_a_key_claude_refuses_is_not_saved(secrets: Path, fake_claude: FakeAnthropicServer) -> None:
    fake_claude.script("auth_error")
    at = _open()
    _key_box(at).set_value(KEY)
    at = next(b for b in at.button if b.label == "Save key").click().run()
    assert not at.exception and "did not accept this key" in _page_text(at)
    assert not secrets.exists()
