"""Driving the review grid (AgGrid, a Streamlit component drawn in an iframe) in a real browser."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.helpers import wait_until_idle

FRAME = 'iframe[title^="st_aggrid"]'


def grid(page: Any) -> Any:
    """The grid's frame element on the page (its box is the grid's box)."""
    return page.locator(FRAME).first


def inside(page: Any) -> Any:
    """The document inside the grid's iframe."""
    return page.frame_locator(FRAME).first


def header(page: Any) -> Any:
    return inside(page).locator(".ag-header").first


#: Header labels the grid cuts (AgGrid ends a label that does not fit with an ellipsis): their text.
CUT_HEADERS = """h => [...h.querySelectorAll('.ag-header-cell-text, .ag-header-cell-label')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.innerText.trim()).filter(t => t.length > 0)"""


def cut_headers(page: Any) -> list[str]:
    """The grid's header labels that do not read whole (none when the page has no grid)."""
    if not page.locator(FRAME).count():
        return []
    head = header(page)
    head.wait_for()
    return sorted(set(head.evaluate(CUT_HEADERS)))


def rows(page: Any) -> Any:
    """The data rows, in the order shown (the grid keeps its DOM in row order)."""
    return inside(page).locator(".ag-center-cols-container .ag-row")


def _text(row: Any) -> str:
    return " ".join(t.strip() for t in row.locator(".ag-cell").all_inner_texts() if t.strip())


def row_texts(page: Any) -> list[str]:
    rows(page).first.wait_for()
    return [_text(r) for r in rows(page).all()]


def selected_texts(page: Any) -> list[str]:
    return [_text(r) for r in inside(page).locator(".ag-center-cols-container .ag-row.ag-row-selected").all()]


def tick(page: Any, index: int) -> None:
    """Tick the checkbox of row ``index`` (0-based) and wait until the page counts one more selected row."""
    wait_until_idle(page)
    before = selected_count(page)
    for attempt in range(2):  # a click landing while the page reruns can be lost: click once more
        rows(page).nth(index).locator("input.ag-checkbox-input").first.click()
        try:
            page.get_by_text(f"{before + 1} selected", exact=True).wait_for(timeout=10_000 * (attempt + 1))
            break
        except Exception:
            if attempt:
                raise
    wait_until_idle(page)


def pending_rows(page: Any) -> list[int]:
    """Positions of the rows waiting for review."""
    return [i for i, text in enumerate(row_texts(page)) if "Waiting for review" in text]


def open_row(page: Any, index: int) -> None:
    """Click the conversation cell of row ``index``: the conversation opens at its own address."""
    rows(page).nth(index).locator('[col-id="Conversation"]').click()
    page.wait_for_url(re.compile(r"/conversation\?.*\bid="))
    page.locator("h1").first.wait_for()
    wait_until_idle(page)


def selected_count(page: Any) -> int:
    text = page.get_by_text(re.compile(r"^\d+ selected$")).first.inner_text()
    return int(text.split()[0])
