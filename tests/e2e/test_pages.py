"""A new user's first minutes, clicked in a real browser: load the demo, then visit every page."""

from __future__ import annotations

from typing import Any

from tests.e2e.helpers import assert_no_exception, open_page, screenshot, wait_until_idle

PAGES = [
    "",
    "scaffolding",
    "generate",
    "jobs",
    "enrich",
    "review",
    "conversation",
    "failed_generations",
    "export",
    "spec_splitter",
]


def test_load_the_demo_then_every_page_renders(page: Any, app_url: str) -> None:
    open_page(page, app_url)
    page.get_by_role("button", name="Load demo dataset").click()
    wait_until_idle(page)
    page.get_by_text("Demo loaded").first.wait_for()
    screenshot(page, "home")
    for path in PAGES[1:]:
        open_page(page, app_url, path)
        assert_no_exception(page)
        screenshot(page, path)
