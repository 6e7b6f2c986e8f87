"""Driving the review grid (``st.dataframe``: a canvas with an accessible table behind it) in a real browser."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.helpers import wait_until_idle

ROW_HEIGHT = 34  # the grid's row_height (pages/_review_grid.py)
HEADER = 36  # the header row, about one row high


def grid(page: Any) -> Any:
    return page.locator('[data-testid="stDataFrame"]').first


def rows(page: Any) -> Any:
    """The data rows (the accessible table's rows after the header)."""
    return grid(page).locator('[role="row"][aria-selected]')


def row_texts(page: Any) -> list[str]:
    grid(page).locator('[role="row"]').first.wait_for(state="attached")
    return [str(t) for t in rows(page).all_inner_texts()]


def selected_texts(page: Any) -> list[str]:
    return [str(r.inner_text()) for r in rows(page).all() if r.get_attribute("aria-selected") == "true"]


def _row_y(box: dict[str, float], index: int) -> float:
    return box["y"] + HEADER + ROW_HEIGHT * index + ROW_HEIGHT / 2


def tick(page: Any, index: int) -> None:
    """Tick the checkbox of row ``index`` (0-based) and wait until the page counts one more selected row."""
    wait_until_idle(page)
    before = selected_count(page)
    for attempt in range(2):  # a click landing while the page reruns can be lost: click once more
        grid(page).scroll_into_view_if_needed()
        box = grid(page).bounding_box()
        page.mouse.move(box["x"] + 16, _row_y(box, index))
        page.mouse.click(box["x"] + 16, _row_y(box, index))
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
    grid(page).scroll_into_view_if_needed()
    box = grid(page).bounding_box()
    page.mouse.click(box["x"] + 160, _row_y(box, index))
    page.wait_for_url(re.compile(r"/conversation\?.*\bid="))
    page.locator("h1").first.wait_for()
    wait_until_idle(page)


def selected_count(page: Any) -> int:
    text = page.get_by_text(re.compile(r"^\d+ selected$")).first.inner_text()
    return int(text.split()[0])
