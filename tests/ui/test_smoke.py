"""Every page renders without an exception, on an empty app and with the demo loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.demo import fill_demo

ROOT = Path(__file__).resolve().parents[2]
# Pages the router shows only on the Supabase backend.
STANDALONE = {"sign_in.py"}
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))


def render_through_the_app(page: str) -> AppTest:
    """Open ``page`` the way a user does: the app's router first, then the page."""
    if page in STANDALONE:
        return AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60).run()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    return at.switch_page(f"pages/{page}").run()


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_an_empty_app(page: str) -> None:
    at = render_through_the_app(page)
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_the_demo_loaded(page: str, services: Services) -> None:
    fill_demo(services)
    at = render_through_the_app(page)
    assert not at.exception, [e.value for e in at.exception]


def test_app_shell_shows_backend_and_key_state() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    sidebar_text = " ".join(str(m.value) for m in at.sidebar.markdown) + " ".join(
        str(w.value) for w in at.sidebar.warning
    )
    assert "Embedded" in sidebar_text
    assert "No Claude key" in sidebar_text
