"""A link to one conversation works as the very first request a freshly started server gets: the app's own
navigation and layout, the conversation itself, and a plain message for a link to nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from core.bootstrap import build_services
from core.settings import Settings
from tests.e2e.conftest import serve_app
from tests.e2e.helpers import assert_no_exception, open_page, screenshot, title
from tests.support.paths import REFERENCE_DIR


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory: pytest.TempPathFactory, fake_claude_url: str) -> Iterator[tuple[str, str]]:
    """A server nobody has visited yet, over a store with one imported conversation: (url, its id)."""
    data = tmp_path_factory.mktemp("deep-link-data")
    services = build_services(Settings(data_dir=data))
    [cid] = services.importer.import_path(REFERENCE_DIR / "raw-conversation.json").imported
    services.close()
    with serve_app(data, fake_claude_url, tmp_path_factory.mktemp("deep-link-secrets") / "secrets.toml") as url:
        yield url, cid


# Records every text the sidebar's links show from the first paint on, so a menu that is there for only a
# moment (Streamlit's own list of ``pages/`` on a server's first request) is caught too.
WATCH_SIDEBAR = """
window.__sidebarTexts = new Set();
new MutationObserver(() => {
  for (const a of document.querySelectorAll('[data-testid="stSidebar"] a, [data-testid="stSidebarNav"] a')) {
    window.__sidebarTexts.add(a.innerText.split("\\n").pop().trim());
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
MODULE_WORDS = ("ui", "charts", "widgets", "review grid", "review panel", "app", "jobs widgets", "spec steps")


def _sidebar_pages(page: Any) -> list[str]:
    return [t.split("\n")[-1].strip() for t in page.locator('[data-testid="stSidebar"] a').all_inner_texts()]


def _ever_shown(page: Any) -> list[str]:
    return list(page.evaluate("() => [...window.__sidebarTexts]"))


def test_a_conversation_link_as_the_servers_first_request_opens_inside_the_app(
    page: Any, fresh_app: tuple[str, str]
) -> None:
    url, cid = fresh_app
    page.add_init_script(WATCH_SIDEBAR)
    open_page(page, url, f"conversation?id={cid}")
    assert title(page) != "Conversation"  # the conversation's own title (client · arc), not the empty page
    expect(page.locator('[data-testid="stSidebar"] a', has_text="Review").first).to_be_visible()
    pages = _sidebar_pages(page)
    assert "Home" in pages and "Review" in pages
    assert not [p for p in pages if "widgets" in p or p in MODULE_WORDS]  # no module list
    ever = _ever_shown(page)
    assert "Review" in ever
    assert not [p for p in ever if "widgets" in p.lower() or p.lower() in MODULE_WORDS], ever  # not even briefly
    expect(page.get_by_text("Backend", exact=True)).to_be_visible()  # app.py's own sidebar ran
    expect(page.get_by_text("You are looking at this conversation")).to_be_visible()  # read-only, no name asked
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    screenshot(page, "deep-link-first-request")
    page.get_by_role("button", name="Review it").click()
    page.get_by_role("textbox", name="Your name").fill("Ana")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    assert "reviewer" not in page.url and "Ana" not in page.url
    assert_no_exception(page)


def test_a_link_to_a_conversation_that_is_gone_says_so(page: Any, fresh_app: tuple[str, str]) -> None:
    url, _ = fresh_app
    open_page(page, url, "conversation?id=00000000-0000-4000-8000-000000000000")
    expect(page.get_by_text("This link points to a conversation that is not here")).to_be_visible()
    assert_no_exception(page)
