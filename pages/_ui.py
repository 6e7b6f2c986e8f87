"""Small pieces every page shares: the cached services, error display, the reviewer's name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from core.bootstrap import Services, build_services
from core.errors import BrightRunError
from core.settings import Settings


@st.cache_resource(show_spinner=False)
def _services_for(database_url: str, data_dir: str) -> Services:
    return build_services(Settings())


def services() -> Services:
    """The app's services, built once per backend (the key keeps tests with other data dirs apart)."""
    settings = Settings()
    return _services_for(settings.database_url, str(settings.data_dir))


def show_error(err: BrightRunError) -> None:
    st.error(err.user_message, icon=":material/error:")


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show a project error as a message on the page; anything else stays loud."""
    try:
        yield
    except BrightRunError as err:
        show_error(err)


def run_action(label: str, action: Callable[[], Any]) -> Any:
    """Run one core call behind a spinner; a project error becomes a message and returns None."""
    with st.spinner(label):
        try:
            return action()
        except BrightRunError as err:
            show_error(err)
            return None


def reviewer_name() -> str | None:
    """Who is acting: the signed-in user on Supabase, else the name entered once per browser session."""
    user = st.session_state.get("auth_user")
    if user:
        return str(user.get("email") or user.get("id"))
    return st.session_state.get("reviewer_name") or None


def require_reviewer() -> str:
    """Ask for a reviewer name once per session; stop the page until there is one."""
    name = reviewer_name()
    if name:
        return name
    st.info("Enter your name once: every review decision records who made it.")
    entered = st.text_input("Your name", key="reviewer_name_input")
    if st.button("Continue", key="reviewer_name_continue", type="primary") and entered.strip():
        st.session_state["reviewer_name"] = entered.strip()
        st.rerun()
    st.stop()
    raise AssertionError("unreachable")


def empty_state(message: str, *, page: str = "pages/home.py", label: str = "Go to Home") -> None:
    """Explain why there is nothing to show, link to where to fix it, and stop the page."""
    st.info(message)
    st.page_link(page, label=label, icon=":material/arrow_forward:")
    st.stop()
