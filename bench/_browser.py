"""Shared parts of the browser benchmarks: the real app under ``streamlit run``, Debian's Chromium driven by
Playwright (as in ``tests/e2e/conftest.py``), the app's pages, timed navigation and the app's memory.

Timing a navigation: a ``MutationObserver`` on the app root watches Streamlit's ``data-test-script-state``;
the clock starts when the sidebar link is clicked and stops at the first check (every 16 ms) where the new
page's script has run to the end (``running`` seen then ``notRunning``, or, for a run too quick for the
attribute to show it, ``notRunning`` with the main area redrawn: changed, not empty, nothing left stale), no loading skeleton is left and the
address is the new page's: everything the page script draws is on screen.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM_FLAGS  # noqa: E402
from tests.support.net import free_port  # noqa: E402


@dataclass(frozen=True)
class AppPage:
    path: str  # pages/review.py
    title: str  # the navigation label

    @property
    def url_path(self) -> str:
        """Streamlit's address for the page: the file name without ``.py`` (the home page is ``/``)."""
        return "" if self.path == "pages/home.py" else Path(self.path).stem


def app_pages() -> list[AppPage]:
    """Every page of the router in ``app.py`` (read without running it), in navigation order."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            sections = ast.literal_eval(node.value)
            return [
                AppPage(path, title)
                for entries in sections.values()
                for path, title, _icon in entries
                if (ROOT / path).is_file()
            ]
    raise RuntimeError("app.py has no PAGES")


@contextmanager
def streamlit_app(data_dir: Path, *, extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """``streamlit run app.py`` on a free loopback port over ``data_dir``: yields (url, pid)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPABASE_", "ANTHROPIC_"))}
    env |= {"BRIGHTRUN_DATA_DIR": str(data_dir), "BRIGHTRUN_SECRETS_FILE": str(data_dir / "secrets.toml")}
    env |= extra_env or {}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_health(url)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait_health(url: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the app at {url} did not start within {timeout:.0f} s")


@contextmanager
def chromium_page() -> Iterator[Any]:
    """One tab of headless Chromium (the Debian package; Playwright never downloads a browser)."""
    from playwright.sync_api import sync_playwright

    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise SystemExit("Chromium is not installed (run scripts/setup-system.sh)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=found, headless=True, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        context.set_default_timeout(60_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"]')
        && !!document.querySelector('[data-testid="stMainBlockContainer"]');
}"""

_CLICK = """(href) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const main = () => document.querySelector('[data-testid="stMainBlockContainer"]');
    const state = {started: performance.now(), running: false, done: null, before: main() ? main().innerHTML : ''};
    window.__brNav = state;
    const observer = new MutationObserver(() => {
        const now = app.getAttribute('data-test-script-state');
        if (now === 'running') state.running = true;
        else if (state.running && now === 'notRunning' && state.done === null) state.done = performance.now();
    });
    observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    window.__brObserver = observer;
    const link = [...document.querySelectorAll('[data-testid="stSidebar"] a[href]')]
        .find(a => window.__brLinkPath(a) === href);
    if (!link) throw new Error('no sidebar link to ' + href);
    link.click();
}"""

_LINK_THERE = """(href) => { (() => { window.__brLinkPath = (a) => {
        // A menu link's page: its own href resolved from the site root (the home link is only "?project=…",
        // which a.href would resolve against the current page).
        const raw = a.getAttribute('href') || '';
        return raw.startsWith('?') ? '' : new URL(raw, location.origin + '/').pathname.replace(/\\/$/, '');
    }; })();
    return [...document.querySelectorAll('[data-testid="stSidebar"] a[href]')]
    .some(a => window.__brLinkPath(a) === href); }"""

_ARRIVED = """(path) => {
    const state = window.__brNav;
    if (!state) return false;
    if (location.pathname.replace(/\\/$/, '') !== path) return false;
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    // A fast run can go running -> notRunning within one render, so a changed page also counts.
    const drawn = main && main.innerHTML !== state.before && !main.querySelector('[data-stale="true"]')
        && main.querySelector('[data-testid="stElementContainer"]');
    if (state.done === null && !drawn) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const app = document.querySelector('[data-testid="stApp"]');
    if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    window.__brObserver.disconnect();
    return performance.now() - state.started;
}"""

_STATE = """() => ({nav: window.__brNav, path: location.pathname,
    state: document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state'),
    skeleton: !!document.querySelector('[data-testid="stSkeleton"]')})"""


def open_app(page: Any, url: str, path: str = "") -> None:
    """Load the app at ``path`` (a fresh session) and wait until its script has finished."""
    page.goto(f"{url}/{path}")
    page.wait_for_function(_SETTLED, polling=50)


def navigate_ms(page: Any, page_path: str) -> float:
    """Click the sidebar link to ``page_path``; milliseconds until that page has fully drawn."""
    target = f"/{page_path}" if page_path else ""
    page.wait_for_function(_SETTLED, polling=50)
    page.wait_for_function(_LINK_THERE, arg=target, polling=50)  # the app draws its menu on each run
    page.evaluate(_CLICK, target)
    try:
        handle = page.wait_for_function(_ARRIVED, arg=target, polling=16, timeout=300_000)
    except Exception as err:
        state = page.evaluate(_STATE)
        raise RuntimeError(f"the page {target or '/'} did not finish drawing within 300 s: {state}") from err
    return float(handle.json_value())


def exception_on_page(page: Any) -> str | None:
    errors = page.locator('[data-testid="stException"]')
    return str(errors.first.inner_text())[:300] if errors.count() else None


def empty_or_failed(page: Any) -> str | None:
    """What keeps the page from showing its data: an empty state ("nothing to show yet") or an error message."""
    if page.locator(".st-key-empty_state").count():
        return "an empty state: " + str(page.locator(".st-key-empty_state").first.inner_text())[:200]
    errors = page.locator('[data-testid="stAlertContentError"]')
    if errors.count():
        return "an error message: " + str(errors.first.inner_text())[:200]
    return exception_on_page(page)


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` (VmRSS) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")
