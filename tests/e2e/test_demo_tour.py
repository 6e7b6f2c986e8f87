"""After "Open the demo project", every page has something to show: no exception, no empty state, a screenshot each.

The screenshots (``tests/e2e/screenshots/tour-*.png``, 1440 wide) are what a stakeholder sees in a demo;
look at them after any change to a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_exception, open_page, screenshot, title, wait_until_idle
from tests.e2e.review_helpers import open_row, row_texts

PAGES = {
    "scaffolding": "Scaffolding",
    "generate": "Generate",
    "jobs": "Batch jobs",
    "enrich": "Enrich",
    "failed_generations": "Failed generations",
    "spec_splitter": "Spec splitter",
    "settings": "Settings",
}
# Text near the bottom of a page: the screenshot waits for it, so a page is caught whole.
LAST = {"enrich": "Checks", "generate": "Recent conversations", "failed_generations": "Look at one", "jobs": "Job log"}
EXPORT_TABS = ("Training files", "Download for a trainer", "What the dataset covers", "Costs")


@pytest.fixture(scope="module")
def tour(browser: Any, app_url: str) -> Iterator[Any]:
    """One tab, a desktop-sized window, the demo loaded from Home."""
    context = browser.new_context(viewport={"width": 1440, "height": 1800}, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    open_page(page, app_url)
    page.get_by_role("button", name="Open the demo project").click()
    page.get_by_text("Demo loaded").first.wait_for(timeout=90_000)
    wait_until_idle(page)
    yield page
    context.close()


def settle(page: Any) -> None:
    """The page's script has run to its end and its content has stopped changing (``wait_until_idle`` waits
    for the app's own run state, so a page that renders in two bursts is caught whole)."""
    wait_until_idle(page)


def check_filled(page: Any) -> None:
    settle(page)
    assert_no_exception(page)
    expect(page.locator(".st-key-empty_state")).to_have_count(0)


def test_home_ticks_all_six_steps(tour: Any, app_url: str) -> None:
    open_page(tour, app_url)
    expect(tour.get_by_text("Getting started · 6 of 6 done")).to_have_count(1)
    check_filled(tour)
    screenshot(tour, "tour-home")


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_is_filled_after_the_demo(tour: Any, app_url: str, path: str) -> None:
    open_page(tour, app_url, path)
    assert title(tour) == PAGES[path]
    if path in LAST:
        tour.get_by_text(LAST[path], exact=True).first.wait_for()
    check_filled(tour)
    screenshot(tour, f"tour-{path}")


def test_the_finished_demo_job_is_shown(tour: Any, app_url: str) -> None:
    open_page(tour, app_url, "jobs")
    expect(tour.get_by_text(re.compile(r"9 of 9 conversations"))).to_have_count(1)  # 8 written, 1 failed
    check_filled(tour)


def test_review_and_one_conversation(tour: Any, app_url: str) -> None:
    open_page(tour, app_url, "review")  # the grid shows at once: the name is asked only to decide
    wait_until_idle(tour)
    expect(tour.get_by_role("textbox", name="Your name")).to_have_count(0)
    assert row_texts(tour), "the review grid lists the demo conversations"
    check_filled(tour)
    screenshot(tour, "tour-review")
    open_row(tour, 0)
    check_filled(tour)
    screenshot(tour, "tour-conversation")


@pytest.mark.parametrize("tab", EXPORT_TABS)
def test_every_export_tab_is_filled(tour: Any, app_url: str, tab: str) -> None:
    open_page(tour, app_url, "export")
    tour.get_by_role("tab", name=tab).click()
    wait_until_idle(tour)
    check_filled(tour)
    screenshot(tour, "tour-export-" + tab.lower().replace(" ", "-"))


def test_costs_show_spend_with_job_names(tour: Any, app_url: str) -> None:
    open_page(tour, app_url, "export")
    tour.get_by_role("tab", name="Costs").click()
    wait_until_idle(tour)
    spent = tour.locator('[data-testid="stMetric"]').filter(has_text="Spent so far")
    expect(spent.locator('[data-testid="stMetricValue"]')).to_have_text(re.compile(r"^\$\d+\.\d\d$"))
    expect(tour.locator('[data-testid="stVegaLiteChart"]:visible')).to_have_count(1)
