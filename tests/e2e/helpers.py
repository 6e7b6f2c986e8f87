"""Small helpers for driving Streamlit pages in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.conftest import SCREENSHOTS


def wait_until_idle(page: Any, *, timeout: float = 60_000) -> None:
    """Wait until Streamlit has rendered and finished running the script."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
              || !document.querySelector('[data-testid="stStatusWidget"]').innerText.includes('Running')""",
        timeout=timeout,
    )
    page.wait_for_timeout(300)


def open_page(page: Any, base_url: str, path: str = "") -> None:
    page.goto(f"{base_url}/{path}")
    wait_until_idle(page)


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def assert_no_exception(page: Any) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()
