"""Issue 15 in a real Chromium: nothing carried over between conversations, links that survive a reload, the
grid at 1440 px (sort, select, approve, selection kept), keyboard-only review, and the confirmation an
unenriched conversation needs.

The module runs its own app over a data folder seeded before the start: the demo conversations, all
waiting for review, every one enriched except two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from core.bootstrap import build_services
from core.demo import load_demo
from core.settings import Settings
from tests.e2e.conftest import FAILED_KEY, SCREENSHOTS, serve_app
from tests.e2e.helpers import CUT, assert_no_exception, choose, screenshot, wait_until_idle
from tests.e2e.review_helpers import (
    cut_headers,
    grid,
    header,
    inside,
    row_texts,
    rows,
    selected_count,
    selected_texts,
    tick,
)

REVIEWER = "Rita Reviewer"
UNENRICHED = 2


@pytest.fixture(scope="module")
def review_url(
    tmp_path_factory: pytest.TempPathFactory,
    fake_claude_url: str,
    monkeypatch_module: pytest.MonkeyPatch,
    browser: Any,
) -> Iterator[str]:
    data = tmp_path_factory.mktemp("review-e2e")
    monkeypatch_module.setenv("BRIGHTRUN_DATA_DIR", str(data))
    services = build_services(Settings())
    try:
        ids = list(load_demo(services.importer).by_file.values())
        services.enrichment.run_many(ids[UNENRICHED:])
        services.db.conversations.update_where(
            {"conversation_id": ids}, review_status="pending_review", reviewed_by=None, reviewed_at=None
        )
    finally:
        services.close()
    with serve_app(data, fake_claude_url, data / "secrets.toml") as url:
        # The server's first session opens Home, as a person starting the app does (a first request
        # straight to a page's address runs that one session outside the app's navigation).
        context = browser.new_context()
        visit(context.new_page(), url)
        context.close()
        yield url


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture
def wide(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A 1440 × 900 tab, the reviewer's screen (a screenshot is saved when the test fails)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    if request.node.stash.get(FAILED_KEY, False):
        tab.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


def visit(page: Any, url: str) -> None:
    """Open ``url`` in a new browser session and give the reviewer's name when the page asks for it (a name is
    kept for the session only, never in the address)."""
    page.goto(url)
    page.locator("h1").first.wait_for()
    if "/review" not in url and "/conversation" not in url:
        wait_until_idle(page)
        return
    asked = page.get_by_role("textbox", name="Your name")
    look = page.get_by_role("button", name="Review it").or_(page.get_by_role("button", name="Start reviewing"))
    ready = page.locator(".st-key-review_queue, .st-key-decision_panel")
    asked.or_(look).or_(ready).first.wait_for()
    wait_until_idle(page)
    if look.count():
        look.click()
        asked.wait_for()
    if asked.count():
        asked.fill(REVIEWER)
        page.get_by_role("button", name="Continue").click()
        ready.first.wait_for()
    wait_until_idle(page)


def current_id(page: Any) -> str:
    return str(re.search(r"[?&]id=([^&]+)", page.url).group(1))  # type: ignore[union-attr]


def press(page: Any, key: str) -> None:
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press(key)
    page.wait_for_timeout(300)
    wait_until_idle(page)


def panel(page: Any) -> Any:
    return page.locator(".st-key-decision_panel")


def first_pending_url(page: Any, review_url: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"reviewer": REVIEWER.replace(" ", "+"), **params}.items())
    visit(page, f"{review_url}/review?{query}")
    page.locator(".st-key-review_queue button").click()
    page.wait_for_url(re.compile(r"/conversation\?"))
    page.locator("h1").first.wait_for()
    wait_until_idle(page)
    return str(page.url)


def test_grading_a_then_next_shows_b_with_no_trace_of_a(wide: Any, review_url: str) -> None:
    first_pending_url(wide, review_url, enrichment="completed")
    a = current_id(wide)
    overall = panel(wide).locator('[data-testid="stButtonGroup"]').first
    overall.get_by_text("5", exact=True).click()
    wait_until_idle(wide)
    choose(wide, "Reasons (a rejection needs one, or a comment)", "Off-voice", multi=True)
    panel(wide).get_by_label("Comment (kept in the history)").fill("Too salesy for a grieving client")
    wait_until_idle(wide)
    screenshot(wide, "review-a-graded")
    press(wide, "j")  # Next
    wide.wait_for_function("(id) => !location.search.includes(id)", arg=a)
    wait_until_idle(wide)
    comment = panel(wide).get_by_label("Comment (kept in the history)")
    expect(comment).to_have_count(1)  # A's panel is gone, not greyed out behind B's
    expect(comment).to_have_value("")
    expect(panel(wide).get_by_text("Off-voice")).to_have_count(0)
    # No grade carried over: every score, the overall one too, still waits to be given.
    expect(panel(wide).get_by_text(re.compile(r"Give every score to save: overall, empathy"))).to_be_visible()
    expect(wide.get_by_text("Approved", exact=True)).to_have_count(0)
    assert_no_exception(wide)
    screenshot(wide, "review-b-clean")


def test_a_reload_of_the_conversation_address_opens_the_same_conversation(wide: Any, review_url: str) -> None:
    address = first_pending_url(wide, review_url)
    heading = wide.locator("h1").first.inner_text()
    wide.reload()
    wide.locator("h1").first.wait_for()
    wait_until_idle(wide)
    assert wide.url == address and wide.locator("h1").first.inner_text() == heading
    expect(wide.get_by_text("Enter your name")).to_have_count(0)  # the name came back with the address
    assert_no_exception(wide)


def _qualities(rows: list[str]) -> list[float]:
    found = [re.search(r"(\d(?:\.\d)?)\s*(?:Enriched|Not enriched yet)", r) for r in rows]
    return [float(m.group(1)) if m else 0.0 for m in found]


def test_sort_by_quality_select_approve_the_rows_update_and_stay_selected(wide: Any, review_url: str) -> None:
    visit(wide, f"{review_url}/review?reviewer={REVIEWER.replace(' ', '+')}&enrichment=completed")
    for column in ("Conversation", "Status", "Quality", "Enrichment", "Date"):
        expect(header(wide)).to_contain_text(column)
    box = grid(wide).bounding_box()
    assert box["x"] + box["width"] <= 1440  # every primary column within the screen
    choose(wide, "Sort by", "Quality, highest first")
    assert "sort=quality_score" in wide.url
    qualities = _qualities(row_texts(wide))
    assert qualities == sorted(qualities, reverse=True)
    tick(wide, 0)
    tick(wide, 2)
    picked = [row_texts(wide)[i] for i in (0, 2)]
    wide.locator(".st-key-bulk_approve button").click()
    wide.get_by_text("2 approved.").first.wait_for()
    wait_until_idle(wide)
    rows = row_texts(wide)
    assert [rows[0], rows[2]] == [p.replace("Waiting for review", "Approved") for p in picked]
    assert selected_count(wide) == 2  # still in this list, so still selected
    assert selected_texts(wide) == [rows[0], rows[2]]  # and ticked in the grid
    screenshot(wide, "review-grid-approved")
    wide.locator(".st-key-undo_button_review button").first.click()
    wide.get_by_text(re.compile(r"^Undone: 2 put back")).first.wait_for()
    wait_until_idle(wide)
    assert "Approved" not in " ".join(row_texts(wide))
    assert_no_exception(wide)


def test_every_column_chosen_still_fits_1440_px_and_status_keeps_its_colour(wide: Any, review_url: str) -> None:
    cols = "Topic,Kind,Turns,Reviewed+by,Reviewed+on"
    visit(wide, f"{review_url}/review?reviewer={REVIEWER.replace(' ', '+')}&cols={cols}")
    for column in ("Conversation", "Topic", "Status", "Quality", "Enrichment", "Date", "Kind", "Reviewed on"):
        expect(header(wide)).to_contain_text(column)
    box = grid(wide).bounding_box()
    assert box["x"] + box["width"] <= 1440
    viewport = inside(wide).locator(".ag-center-cols-viewport").first
    assert viewport.evaluate("v => v.scrollWidth <= v.clientWidth + 1")  # no sideways scrolling
    waiting = inside(wide).locator('.ag-row [col-id="Status"]').filter(has_text="Waiting for review").first
    assert waiting.evaluate("c => getComputedStyle(c).color") == "rgb(180, 83, 9)"  # status_labels' orange
    screenshot(wide, "review-grid-all-columns")


def test_keyboard_only_review_of_three_conversations(wide: Any, review_url: str) -> None:
    visit(wide, f"{review_url}/review?reviewer={REVIEWER.replace(' ', '+')}&enrichment=completed")
    before = int(re.search(r"You reviewed (\d+) today", wide.content()).group(1))  # type: ignore[union-attr]
    press(wide, "n")  # Review next pending
    wide.wait_for_url(re.compile(r"/conversation\?"))
    wait_until_idle(wide)
    seen = []
    for _ in range(3):
        seen.append(current_id(wide))
        press(wide, "1")  # rate the current turn Good
        press(wide, "a")  # approve: the next one waiting comes up
        wide.wait_for_function("(id) => !location.search.includes(id)", arg=seen[-1])
        wait_until_idle(wide)
    assert len(set(seen)) == 3
    expect(wide.get_by_text(f"You reviewed {before + 3} today", exact=False).first).to_be_visible()
    screenshot(wide, "review-keyboard")
    assert_no_exception(wide)


def test_an_unenriched_conversation_needs_a_confirmation_to_approve(wide: Any, review_url: str) -> None:
    first_pending_url(wide, review_url, enrichment="not_started")
    press(wide, "a")
    expect(panel(wide).get_by_text("needs your confirmation: it is not enriched").first).to_be_visible()
    expect(wide.get_by_text("Waiting for review").first).to_be_visible()
    screenshot(wide, "review-needs-confirmation")
    panel(wide).get_by_text("Approve it anyway (kept in its history)").click()
    wait_until_idle(wide)
    opened = wide.url
    wide.locator("[class*='st-key-decide_approve_'] button").click()
    wide.get_by_text(re.compile(r": approved\.$")).first.wait_for()
    wait_until_idle(wide)
    if wide.url != opened:  # the queue moved on: go back to the approved one
        visit(wide, opened)
    panel(wide).get_by_role("tab", name="Verdicts and history").click()
    expect(panel(wide).get_by_text(re.compile("confirmed: it is not enriched"))).to_be_visible()
    assert_no_exception(wide)


@pytest.mark.parametrize("size", [(1280, 800), (1440, 900)], ids=["1280", "1440"])
@pytest.mark.parametrize("cols", ["", "Topic,Kind,Turns,Reviewed+by,Reviewed+on"], ids=["default", "every-column"])
def test_no_grid_header_is_cut(browser: Any, review_url: str, size: tuple[int, int], cols: str) -> None:
    """AgGrid draws its headers in its own frame, out of reach of the page-wide cut-label check."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        visit(tab, f"{review_url}/review" + (f"?cols={cols}" if cols else ""))
        rows(tab).first.wait_for()
        wait_until_idle(tab)
        screenshot(tab, f"review-grid-{'every' if cols else 'default'}-{size[0]}")
        assert cut_headers(tab) == []
        assert tab.evaluate(CUT) == []  # nor a button or label of the page around it
        if not cols or size[0] >= 1440:  # at 1280 every column chosen scrolls sideways rather than cut one
            viewport = inside(tab).locator(".ag-center-cols-viewport").first
            assert viewport.evaluate("v => v.scrollWidth <= v.clientWidth + 1")
    finally:
        context.close()


def test_a_visitor_sees_the_grid_at_once_and_gives_a_name_only_to_decide(browser: Any, review_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        # An old link naming someone else; only conversations still waiting (earlier tests decided on some).
        tab.goto(f"{review_url}/review?reviewer=Ben&enrichment=completed&status=pending_review")
        rows(tab).first.wait_for()
        wait_until_idle(tab)
        expect(tab.get_by_text("You are only looking", exact=False)).to_be_visible()
        expect(tab.get_by_role("textbox", name="Your name")).to_have_count(0)
        assert "reviewer=" not in tab.url
        screenshot(tab, "review-visitor-looking")
        tick(tab, 0)
        tab.locator(".st-key-bulk_approve button").click()
        asked = tab.get_by_role("textbox", name="Your name")
        asked.wait_for()
        expect(rows(tab).first).to_be_visible()  # the grid stays while the name is asked
        screenshot(tab, "review-visitor-asked-name")
        asked.fill("Vera Visitor")
        tab.get_by_role("button", name="Continue").click()
        tab.get_by_text("1 approved.").first.wait_for()
        wait_until_idle(tab)
        expect(tab.get_by_text(re.compile("Reviewing as Vera Visitor"))).to_be_visible()
        assert "Vera" not in tab.url
        assert_no_exception(tab)
        tab.locator(".st-key-undo_button_review button").first.click()  # the next tests start from pending
        tab.get_by_text(re.compile(r"^Undone: 1 put back")).first.wait_for()
    finally:
        context.close()
