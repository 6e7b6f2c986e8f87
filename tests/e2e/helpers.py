"""Small helpers for driving Streamlit pages in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.e2e.conftest import SCREENSHOTS

#: Labels that must read whole: buttons, links, tabs, widget labels, metric labels.
CUT = """() => [...document.querySelectorAll(
  '[data-testid="stMain"] button, [data-testid="stMain"] [data-testid="stWidgetLabel"] p, ' +
  '[data-testid="stMain"] [data-testid="stMetricLabel"] p, [data-testid="stMain"] [role="tab"] p, ' +
  '[data-testid="stSidebar"] a')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.innerText.trim()).filter(t => t.length > 0)"""


def wait_until_idle(page: Any, *, timeout: float = 90_000) -> None:
    """Wait until Streamlit has rendered and finished running the script.

    The app's own run state (``data-test-script-state`` on the app root: ``notRunning`` once a run has ended,
    not before the first one) says when the script is done; the status widget alone is not enough (it appears
    only after a short delay). This also waits for loading skeletons to go and for the page's content to stop
    changing for a moment (a click's rerun may not have started yet).
    """
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            const status = document.querySelector('[data-testid="stStatusWidget"]');
            if (status && status.innerText.includes('Running')) return false;
            if (document.querySelector('[data-testid="stSkeleton"]')) return false;
            const main = document.querySelector('[data-testid="stMain"]');
            const size = main ? main.innerHTML.length : 0;
            const now = Date.now();
            if (window.__brSize !== size) { window.__brSize = size; window.__brSince = now; return false; }
            return now - window.__brSince > 700;
        }""",
        timeout=timeout,
        polling=100,
    )


def open_page(page: Any, base_url: str, path: str = "") -> None:
    """Go to ``path`` in the project the tab is in now (its address's ``?project=``), as the app's own links do."""
    current = parse_qs(urlsplit(page.url).query).get("project") if page.url.startswith(base_url) else None
    if current and "project=" not in path:
        path += ("&" if "?" in path else "?") + urlencode({"project": current[0]})
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


def title(page: Any) -> str:
    """The page's ``st.title`` text (its first ``h1``), once it is there."""
    heading = page.locator('[data-testid="stMainBlockContainer"] h1').first
    heading.wait_for()
    return str(heading.inner_text()).strip()


def metric_value(page: Any, label: str) -> Any:
    """The value element of the ``st.metric`` labelled ``label`` (for ``expect(...).to_have_text``)."""
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return box.locator('[data-testid="stMetricValue"]').first


def metric(page: Any, label: str) -> str:
    """The value shown by the ``st.metric`` labelled ``label``."""
    return str(metric_value(page, label).inner_text()).strip()


def widget(page: Any, testid: str, label: str) -> Any:
    """A Streamlit widget of kind ``testid`` (e.g. ``stSelectbox``) found by its label text."""
    return page.locator(f'[data-testid="{testid}"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label)
    )


def choose(page: Any, label: str, option: str | int, *, multi: bool = False) -> None:
    """Open the select box (or multiselect) labelled ``label`` and click an option, by text or position
    (a multiselect's own "Select all" entry is not counted)."""
    # The keyboard opens the list reliably; a click right after working inside an iframe only focuses.
    page.get_by_role("combobox", name=label, exact=True).focus()
    page.keyboard.press("ArrowDown")
    options = page.locator('[role="listbox"] [role="option"]:not([data-key="__select_all__"])')
    target = options.nth(option) if isinstance(option, int) else options.filter(has_text=option).first
    target.click()
    if multi:
        page.keyboard.press("Escape")
    wait_until_idle(page)


def download(page: Any, button: str) -> bytes:
    """Click the download button named ``button`` and return the downloaded bytes."""
    # A download button whose data is made on click reruns the page first: on a busy machine that takes longer
    # than the default 30 s wait.
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name=button).click()
    return Path(info.value.path()).read_bytes()
