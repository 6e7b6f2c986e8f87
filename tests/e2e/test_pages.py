"""A new user's first minutes, clicked in a real browser: load the demo, then visit every page.

Each page must show its own title (so a blank page, a wrong route or a page stopped early fails), raise
nothing, and leave a screenshot under ``tests/e2e/screenshots/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_exception, open_page, screenshot, title

# URL path (the page file's stem) -> the title the page shows.
TITLES = {
    "scaffolding": "Scaffolding",
    "generate": "Generate",
    "jobs": "Batch jobs",
    "enrich": "Enrich",
    "review": "Review",
    "failed_generations": "Failed generations",
    "export": "Export",
    "spec_splitter": "Spec splitter",
}


@pytest.fixture(scope="module")
def demo_loaded(shared_tab: Any, app_url: str) -> None:
    """Load the demo once from Home (the button is idempotent: a second load adds nothing)."""
    open_page(shared_tab, app_url)
    shared_tab.get_by_role("button", name="Open the demo project").click()
    # Loading the demo takes long on a busy machine (and this module may be the first to load it: browser tests
    # run in several processes, each with its own app), as in the demo tour.
    shared_tab.get_by_text("Demo loaded").first.wait_for(timeout=90_000)
    assert title(shared_tab) == "Bright Run Studio"
    screenshot(shared_tab, "home")


@pytest.mark.parametrize("path", list(TITLES))
def test_every_page_shows_its_title_after_the_demo(
    demo_loaded: None, shared_page: Any, app_url: str, path: str
) -> None:
    open_page(shared_page, app_url, path)
    assert title(shared_page) == TITLES[path]
    assert_no_exception(shared_page)
    screenshot(shared_page, path)


def test_the_conversation_page_without_a_pick_points_to_review(
    demo_loaded: None, shared_page: Any, app_url: str
) -> None:
    open_page(shared_page, app_url, "conversation")
    shared_page.get_by_text("Pick a conversation on the Review page").wait_for()
    expect(shared_page.get_by_role("link", name="Go to Review")).to_have_count(1)
    assert_no_exception(shared_page)
    screenshot(shared_page, "conversation")
