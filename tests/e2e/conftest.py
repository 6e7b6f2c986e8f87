"""End-to-end fixtures: the real app under ``streamlit run``, a fake Claude, and Debian's Chromium.

Chromium comes from the ``chromium`` Debian package (``scripts/setup-system.sh``); Playwright drives it
through ``executable_path`` and never downloads a browser. Every test saves screenshots under
``tests/e2e/screenshots/`` (git-ignored), and one more when it fails.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import IN_CI
from tests.support.net import free_port
from tests.support.paths import REPO_ROOT

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# Assertions wait as long as actions do: on a busy 2-core machine a page can take more than the default 5 s.
# A passing assertion returns as soon as it holds, so this only lengthens a real failure.
expect.set_options(timeout=30_000)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def wait_http(url: str, *, timeout: float = 60.0, expect: bytes | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if expect is None or response.read().strip() == expect:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots() -> None:
    """Each run starts with an empty screenshot folder, so what is there belongs to this run.

    Browser tests may run in several pytest-xdist workers (each its own app server, fake Claude, Chromium and
    data folders): the first worker of a run empties the folder and writes the run's id in it, under a lock;
    the others find that id there and keep what is already saved."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    marker = SCREENSHOTS / ".run"
    with open(Path(tempfile.gettempdir()) / "brightrun-e2e-screenshots.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not run or not marker.is_file() or marker.read_text(encoding="utf-8") != run:
            shutil.rmtree(SCREENSHOTS, ignore_errors=True)
            SCREENSHOTS.mkdir(parents=True)
            marker.write_text(run, encoding="utf-8")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if IN_CI:
            pytest.fail("Chromium is required in CI: scripts/setup-system.sh installs it")
        pytest.skip("Chromium is not installed (run scripts/setup-system.sh)")
    return found


@pytest.fixture(scope="session")
def fake_claude_url() -> Iterator[str]:
    """The fake Messages API server as a separate process, as the app would see a real one."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.anthropic_server", "--port", str(port), "--latency-ms", "50"],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def serve_app(data_dir: Path, fake_claude_url: str, secrets: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port over ``data_dir``; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        "BRIGHTRUN_DATA_DIR": str(data_dir),
        "ANTHROPIC_BASE_URL": fake_claude_url,
        "ANTHROPIC_API_KEY": "sk-ant-e2e-fake-key",
        "BRIGHTRUN_SECRETS_FILE": str(secrets),
    }
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "SUPABASE_DB_URL"):
        env.pop(name, None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/_stcore/health", expect=b"ok")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # a busy machine: the server did not stop in time, so it is killed
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory, fake_claude_url: str) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port, with its own data folder."""
    secrets = tmp_path_factory.mktemp("e2e-secrets") / "secrets.toml"
    with serve_app(tmp_path_factory.mktemp("e2e-data"), fake_claude_url, secrets) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[FAILED_KEY] = report.failed


FAILED_KEY = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)  # type: ignore[attr-defined]
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    if request.node.stash.get(FAILED_KEY, False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture(scope="module")
def shared_tab(browser: object) -> Iterator[object]:
    """One browser tab (one Streamlit session) kept across a module's tests, for flows in stages."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)  # type: ignore[attr-defined]
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def shared_page(shared_tab: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """The module's shared tab for one test; a screenshot is saved when the test fails."""
    yield shared_tab
    if request.node.stash.get(FAILED_KEY, False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shared_tab.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}.png"), full_page=True)  # type: ignore[attr-defined]
