"""Small pieces every page shares: the cached services, error display, the reviewer's name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pydantic
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime.pages_manager import PagesManager

from core.auth import AuthUser, SupabaseAuth
from core.bootstrap import Services, anonymous_services, build_services, user_services
from core.claude_key import refresh
from core.errors import BrightRunError, NotFoundError
from core.models.projects import DEFAULT_PROJECT_SLUG
from core.settings import Settings
from core.validation import user_error


@st.cache_resource(show_spinner=False)
def _services_for(database_url: str, data_dir: str) -> Services:
    return build_services(Settings())


def _leave_legacy_pages_mode() -> None:
    """Run every page through ``app.py``, even when a link to a page is the server's first request.

    Streamlit treats a ``pages/`` folder as an old-style page folder until ``st.navigation`` has run
    once: a first request straight to ``/conversation?id=…`` after a start would run that page alone, with
    a sidebar listing every module in ``pages/``. Switched off here (this module is imported by the first
    page that runs), and the run starts again through ``app.py``, whose navigation finds the same page by
    its address.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def system_services() -> Services:
    """The app's services as the system (workers, the sidebar): built once per backend, no user scoping.

    The cache key keeps tests with other data dirs apart.
    """
    settings = Settings()
    built = _services_for(settings.database_url, str(settings.data_dir))
    refresh(built, settings)  # a key or model saved on the Settings page is used at once, without a restart
    return built


#: The address parameter naming the current project: every address carries it, so a link opens its project.
PROJECT_PARAM = "project"
SWITCHED = "project_switched_to"


def current_project_slug() -> str:
    """The project this browser works in: one just switched to, else the address's ``?project=``, else the one
    chosen last, else the first."""
    if switched := st.session_state.get(SWITCHED):
        return str(switched)
    from_url = str(st.query_params.get(PROJECT_PARAM, "")).strip()
    return from_url or str(st.session_state.get(PROJECT_PARAM) or DEFAULT_PROJECT_SLUG)


def switch_project(slug: str) -> None:
    """Work in another project from the next run on (the address follows)."""
    st.session_state[SWITCHED] = slug
    st.query_params[PROJECT_PARAM] = slug


def services() -> Services:
    """The services a page uses, inside the current project (``?project=``). On Supabase every transaction
    runs as the signed-in user (row-level security applies), and as the role ``anon`` (which reaches no table)
    when nobody is signed in. A link to a project that is not there opens the first project and says so."""
    base = _user_services()
    wanted = current_project_slug()
    try:
        scoped = base.in_project(wanted)
    except NotFoundError:
        st.session_state["project_notice"] = f"There is no project “{wanted}” here (it may have been deleted)."
        scoped = base.in_project(DEFAULT_PROJECT_SLUG)
    if scoped is not base:  # a key or model saved on Settings reaches every project's services at once
        refresh(scoped, base.settings)
    slug = scoped.settings.project
    st.session_state.pop(SWITCHED, None)
    st.session_state[PROJECT_PARAM] = slug
    if st.query_params.get(PROJECT_PARAM) != slug:
        st.query_params[PROJECT_PARAM] = slug
    return scoped


def _user_services() -> Services:
    base = system_services()
    if base.settings.backend != "supabase":
        return base
    user = signed_in_user()
    key = f"user:{user.id}:{user.role}" if user else "anon"
    scoped = st.session_state.get("_scoped_services")
    if scoped is None or scoped[0] != key or scoped[1] is not base:
        view = user_services(base, user) if user else anonymous_services(base)
        scoped = (key, base, view)
        st.session_state["_scoped_services"] = scoped
    return scoped[2]


def signed_in_user() -> AuthUser | None:
    """The Supabase user of this browser session, if any (``auth_user`` holds ``AuthUser.model_dump()``)."""
    found = st.session_state.get("auth_user")
    return AuthUser.model_validate(found) if found else None


def require_sign_in() -> AuthUser | None:
    """On Supabase, stop the page until someone is signed in; on the embedded backend there is no sign-in."""
    if system_services().settings.backend != "supabase":
        return None
    user = signed_in_user()
    if user is None:
        st.info("Sign in to use Bright Run Studio.", icon=":material/lock:")
        try:
            st.page_link("pages/sign_in.py", label="Sign in", icon=":material/login:")
        except StreamlitPageNotFoundError:  # the page runs on its own (tests), outside app.py's navigation
            st.caption("Open **Sign in** from the menu.")
        st.stop()
    return user


def sign_out() -> None:
    """Forget this browser's user and end the session at Supabase (the sidebar and the sign-in page call it)."""
    session = st.session_state.pop("auth_session", None)
    st.session_state.pop("auth_user", None)
    st.session_state.pop("_scoped_services", None)
    if session is not None:
        with friendly_errors():
            SupabaseAuth.from_settings(system_services().settings).sign_out(session)


def show_error(err: BrightRunError) -> None:
    st.error(err.user_message, icon=":material/error:")


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show a project error (or invalid input a service did not word itself) as a message on the page;
    anything else stays loud."""
    try:
        yield
    except BrightRunError as err:
        show_error(err)
    except pydantic.ValidationError as err:
        show_error(user_error(err))


def attempt(label: str, action: Callable[[], Any]) -> tuple[Any, BrightRunError | None]:
    """Run one core call behind a spinner: its result, or the project error (worded for people) it raised."""
    with st.spinner(label):
        try:
            return action(), None
        except BrightRunError as err:
            return None, err
        except pydantic.ValidationError as err:
            return None, user_error(err)


def run_action(label: str, action: Callable[[], Any]) -> Any:
    """Run one core call behind a spinner; a project error becomes a message and returns None."""
    result, error = attempt(label, action)
    if error is not None:
        show_error(error)
    return result


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


def page_link(page: str, *, label: str, icon: str | None = None, params: dict[str, str] | None = None) -> None:
    """A link to another page of the app (``params``: more of its address, such as the model it opens); run
    on its own (tests), outside app.py's navigation, a hint."""
    try:
        query = {PROJECT_PARAM: current_project_slug(), **(params or {})}
        st.page_link(page, label=label, icon=icon, query_params=query)
    except StreamlitPageNotFoundError:
        st.caption(f"Open **{label.removeprefix('Open ').removeprefix('Go to ')}** from the menu.")


def unique_labels(labels: dict[str, str]) -> dict[str, str]:
    """Labels made distinct (a select box tells its options apart by their text): repeats get " (2)", " (3)"."""
    seen: dict[str, int] = {}
    unique = {}
    for key, label in labels.items():
        seen[label] = seen.get(label, 0) + 1
        unique[key] = label if seen[label] == 1 else f"{label} ({seen[label]})"
    return unique


def empty_state(message: str, *, page: str = "pages/home.py", label: str = "Go to Home") -> None:
    """Explain why there is nothing to show, link to where to fix it, and stop the page.

    The ``empty_state`` container key lets the browser tests check that a filled app shows none."""
    with st.container(key="empty_state"):
        st.info(message)
        page_link(page, label=label, icon=":material/arrow_forward:")
    st.stop()


_leave_legacy_pages_mode()
