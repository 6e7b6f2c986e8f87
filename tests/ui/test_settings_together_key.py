"""The Settings page's Together key, as the Claude key: paste, test (one free call to the fake API), save."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.together_server import FakeTogetherServer

APP = str(Path(__file__).resolve().parents[2] / "app.py")
KEY = "together-pasted-in-the-page-0123456789"


@pytest.fixture
def together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeTogetherServer, Path]]:
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setenv("BRIGHTRUN_SECRETS_FILE", str(secrets))
    with FakeTogetherServer() as server:
        monkeypatch.setenv("TOGETHER_BASE_URL", server.url)
        yield server, secrets


def _open() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run().switch_page("pages/settings.py").run()


def _text(at: AppTest) -> str:
    parts = [m.value for m in (*at.markdown, *at.caption, *at.success, *at.warning, *at.info, *at.error)]
    return " ".join(str(p) for p in parts)


def test_the_together_key_is_tested_then_saved_owner_only_and_never_shown(
    together: tuple[FakeTogetherServer, Path],
) -> None:
    server, secrets = together
    at = _open()
    assert not at.exception and "No Together key yet" in _text(at)
    next(t for t in at.text_input if t.label == "Your Together key").set_value(KEY)
    at = next(b for b in at.button if b.label == "Test Together key").click().run()
    assert not at.exception and "The key works" in _text(at) and KEY not in _text(at)
    assert server.requests == [("GET", "/v1/fine-tunes")] and not secrets.exists()
    next(t for t in at.text_input if t.label == "Your Together key").set_value(KEY)
    at = next(b for b in at.button if b.label == "Save Together key").click().run()
    assert not at.exception
    assert f'TOGETHER_API_KEY = "{KEY}"' in secrets.read_text() and stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert "Together key saved" in _text(at) and KEY not in _text(at)
    assert next(t for t in at.text_input if t.label == "Your Together key").value == ""


def test_an_empty_together_key_is_answered_in_plain_words(together: tuple[FakeTogetherServer, Path]) -> None:
    at = _open()
    at = next(b for b in at.button if b.label == "Save Together key").click().run()
    assert not at.exception and "Paste your Together key first." in _text(at)
