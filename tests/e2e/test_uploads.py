"""Files a person uploads on Home, in a real Chromium: good and bad files in one go, again, and too big.

Every file gets an outcome on the page: a good one its import summary, a bad one its reason in plain words
(never a traceback), and the counters include what was imported. A file over the upload limit is refused
by the uploader itself, before anything is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_exception, metric, open_page, screenshot, wait_until_idle, widget
from tests.support.paths import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures"
GOOD = FIXTURES / "reference" / "enriched-conversation.json"
BAD = FIXTURES / "bad_imports" / "unclosed.json"


def upload(page: Any, *files: Path) -> None:
    widget(page, "stFileUploader", "JSON or JSONL files").locator("input[type=file]").set_input_files(
        [str(f) for f in files]
    )
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_visible()  # shown once files are in
    wait_until_idle(page)


def import_them(page: Any) -> None:
    page.get_by_role("button", name="Import", exact=True).click()
    wait_until_idle(page)


def test_a_good_and_a_bad_file_each_get_their_outcome(page: Any, app_url: str) -> None:
    open_page(page, app_url)
    before = int(metric(page, "Conversations"))
    upload(page, GOOD, BAD)
    import_them(page)
    expect(page.get_by_text(f"{GOOD.name} (")).to_contain_text("1 imported")
    refusal = page.locator('[data-testid="stAlertContentError"]').filter(has_text=BAD.name)
    expect(refusal).to_contain_text("Not imported: ")
    expect(refusal).to_contain_text("is not valid JSON")
    assert int(metric(page, "Conversations")) == before + 1
    assert_no_exception(page)
    screenshot(page, "upload-good-and-bad")


def test_the_same_file_again_adds_nothing(page: Any, app_url: str) -> None:
    open_page(page, app_url)
    before = int(metric(page, "Conversations"))
    upload(page, GOOD)
    import_them(page)
    expect(page.get_by_text(f"{GOOD.name} (")).to_contain_text("1 already present")
    assert int(metric(page, "Conversations")) == before


def test_a_file_over_the_limit_is_refused_before_it_is_read(page: Any, app_url: str, tmp_path: Path) -> None:
    big = tmp_path / "huge-export.json"
    with big.open("wb") as out:  # 21 MiB: just over the default 20 MiB import limit
        out.write(b'{"conversation_id": "huge", "padding": "' + b"x" * (21 * 1024 * 1024) + b'"}')
    open_page(page, app_url)
    before = int(metric(page, "Conversations"))
    widget(page, "stFileUploader", "JSON or JSONL files").locator("input[type=file]").set_input_files(str(big))
    expect(page.get_by_text("File must be 20.0MB or smaller")).to_be_visible()
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)
    assert int(metric(page, "Conversations")) == before
    assert_no_exception(page)
    screenshot(page, "upload-too-big")
