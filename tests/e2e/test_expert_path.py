"""A first-time expert's path in Chromium: the "New" forms, empty names everywhere, and the Claude key
set inside the app (against the fake Messages API) before a batch may start.

The key tests run their own app with no key at all (and their own secrets file), as a new user has it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_http
from tests.e2e.helpers import assert_no_exception, choose, open_page, screenshot, wait_until_idle
from tests.support.net import free_port
from tests.support.paths import REPO_ROOT

KEY = "sk-ant-api03-e2e-pasted-in-settings"


def click(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_until_idle(page)


def load_demo(page: Any, url: str) -> None:
    open_page(page, url)
    # A fresh app's first page can take half a minute on a busy machine (several browser tests run at once).
    page.get_by_role("button", name="Open the demo project").wait_for(timeout=120_000)
    click(page, "Open the demo project")
    page.get_by_text("Demo loaded").first.wait_for(timeout=120_000)


@pytest.fixture(scope="module")
def keyless_app(tmp_path_factory: pytest.TempPathFactory, fake_claude_url: str) -> Iterator[tuple[str, Path]]:
    """The app as a new user starts it: no Claude key anywhere; Claude is the fake server."""
    port = free_port()
    secrets = tmp_path_factory.mktemp("keyless-secrets") / "secrets.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "SUPABASE_", "BRIGHTRUN_"))}
    env |= {
        "BRIGHTRUN_DATA_DIR": str(tmp_path_factory.mktemp("keyless-data")),
        "BRIGHTRUN_SECRETS_FILE": str(secrets),
        "ANTHROPIC_BASE_URL": fake_claude_url,
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/_stcore/health", expect=b"ok")
        yield url, secrets
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_new_persona_form_starts_blank_and_saves_by_name(page: Any, app_url: str) -> None:
    load_demo(page, app_url)
    open_page(page, app_url, "scaffolding")
    page.get_by_role("tab", name="Clients").click()
    form = page.get_by_role("tabpanel", name="Clients")
    expect(page.get_by_text("PydanticUndefined")).to_have_count(0)
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_have_value("")
    screenshot(page, "expert-new-persona-form")
    form.get_by_role("textbox", name="Name", exact=True).fill("Maya Chen")
    form.get_by_role("textbox", name="Who they are", exact=True).fill("The first-time investor")
    click(page, "Add client")
    page.get_by_text("Saved client “Maya Chen”").wait_for()
    assert_no_exception(page)
    screenshot(page, "expert-new-persona-saved")


def test_an_empty_name_is_answered_in_plain_words_everywhere(page: Any, app_url: str) -> None:
    load_demo(page, app_url)
    open_page(page, app_url, "scaffolding")
    for tab, button in (("Clients", "Add client"), ("Topics", "Add topic")):
        page.get_by_role("tab", name=tab).click()
        click(page, button)
        page.get_by_text("Name: this is empty. Fill it in.").first.wait_for()
        assert_no_exception(page)
    screenshot(page, "expert-empty-name-scaffolding")
    open_page(page, app_url, "export")
    page.get_by_role("tab", name="Training files").click()
    click(page, "Create")
    page.get_by_text("Give the training file a name.").wait_for()
    assert_no_exception(page)
    screenshot(page, "expert-empty-name-export")
    open_page(page, app_url, "settings")
    click(page, "Save key")
    page.get_by_text("Paste your Claude key first.").wait_for()
    assert_no_exception(page)
    screenshot(page, "expert-empty-key")


def _pick_one_of_each(page: Any) -> None:
    for label in ("Clients", "Emotional journeys", "Topics"):
        choose(page, label, 0, multi=True)


def test_without_a_key_a_batch_is_refused_before_anything_runs(page: Any, keyless_app: tuple[str, Path]) -> None:
    url, _ = keyless_app
    load_demo(page, url)
    open_page(page, url, "jobs")
    _pick_one_of_each(page)
    click(page, "Create job")
    page.get_by_text("A batch needs a working Claude key").wait_for()
    expect(page.get_by_role("link", name="Open Settings to add your key")).to_have_count(1)
    expect(page.get_by_text("Job created")).to_have_count(0)
    assert_no_exception(page)
    screenshot(page, "expert-batch-refused-without-key")


def test_the_key_is_tested_and_saved_in_the_app_then_a_batch_may_start(
    page: Any, keyless_app: tuple[str, Path]
) -> None:
    url, secrets = keyless_app
    load_demo(page, url)  # idempotent: the scaffolding the batch at the end needs
    open_page(page, url, "settings")
    expect(page.get_by_role("link", name="Get a key from the Anthropic console")).to_have_attribute(
        "href", "https://console.anthropic.com/settings/keys"
    )
    screenshot(page, "expert-settings-no-key")
    page.get_by_role("textbox", name="Your Claude key", exact=True).fill(KEY)
    click(page, "Test key")
    page.get_by_text("The key works").wait_for()
    page.get_by_text("This test cost $").wait_for()
    screenshot(page, "expert-settings-key-tested")
    click(page, "Save key")  # the pasted key is still there (hidden): no need to paste it twice
    page.get_by_text("Key saved").wait_for()
    wait_until_idle(page)
    assert KEY in secrets.read_text() and (secrets.stat().st_mode & 0o777) == 0o600
    expect(page.get_by_text(KEY)).to_have_count(0)
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Claude key configured")).to_have_count(1)
    assert_no_exception(page)
    screenshot(page, "expert-settings-key-saved")
    open_page(page, url, "jobs")  # the same running app: no restart
    _pick_one_of_each(page)
    click(page, "Create job")
    page.get_by_text("Job created").wait_for()
    assert_no_exception(page)
    screenshot(page, "expert-batch-created-with-key")
