"""Bright Run Studio: the router and the shared sidebar. Pages live in ``pages/``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages._ui import PROJECT_PARAM, services, sign_out, signed_in_user, switch_project, system_services

st.set_page_config(page_title="Bright Run Studio", page_icon=":material/auto_awesome:", layout="wide")

PAGES = {
    "Start": [
        ("pages/home.py", "Home", ":material/home:"),
        ("pages/projects.py", "Projects", ":material/folder_open:"),
        ("pages/scaffolding.py", "Scaffolding", ":material/category:"),
    ],
    "Create": [
        ("pages/generate.py", "Generate", ":material/chat_add_on:"),
        ("pages/jobs.py", "Batch jobs", ":material/dynamic_feed:"),
        ("pages/enrich.py", "Enrich", ":material/auto_fix_high:"),
    ],
    "Review": [
        ("pages/review.py", "Review", ":material/fact_check:"),
        ("pages/conversation.py", "Conversation", ":material/forum:"),
        ("pages/failed_generations.py", "Failed generations", ":material/report:"),
        ("pages/compare.py", "Blind A/B", ":material/compare_arrows:"),
    ],
    "Ship": [
        ("pages/export.py", "Export", ":material/download:"),
        ("pages/train.py", "Train", ":material/model_training:"),
        ("pages/models.py", "Models", ":material/neurology:"),
        ("pages/try_model.py", "Try a model", ":material/compare:"),
    ],
    "Settings": [
        ("pages/settings.py", "Settings", ":material/settings:"),
    ],
    # The app's builders use this to split a product spec into build prompts; experts never need it.
    "For the app's builders": [
        ("pages/spec_splitter.py", "Spec splitter (builders)", ":material/splitscreen:"),
    ],
}
ROOT = Path(__file__).resolve().parent


def navigation() -> dict[str, list[st.Page]]:
    """Explicit pages; a page whose file is not there yet is left out rather than breaking the app."""
    return {
        section: [
            st.Page(path, title=title, icon=icon, default=path == "pages/home.py")
            for path, title, icon in entries
            if (ROOT / path).is_file()
        ]
        for section, entries in PAGES.items()
    }


def project_picker() -> dict[str, str]:
    """The current project, and a switch to another one; returns the address parameter every link carries."""
    svc = services()
    current = svc.settings.project
    projects = svc.projects.list()
    names = {p.slug: p.name for p in projects}
    with st.sidebar:
        chosen = st.selectbox(
            "Project",
            list(names),
            index=list(names).index(current) if current in names else 0,
            format_func=lambda slug: names[slug],
            key=f"sidebar_project_{current}",
            help="Each project holds one expert's clients, journeys, topics, conversations and training files.",
        )
        if notice := st.session_state.pop("project_notice", None):
            st.warning(notice, icon=":material/folder_off:")
    if chosen != current:
        switch_project(chosen)
        st.rerun()
    return {PROJECT_PARAM: current}


def menu(sections: dict[str, list[st.Page]], params: dict[str, str] | None = None) -> None:
    """The app's own menu. Streamlit's built-in one is switched off (``client.showSidebarNavigation``):
    on a server's first request it lists every module of ``pages/`` before this script has run."""
    with st.sidebar:
        for section, pages in sections.items():
            if not pages:
                continue
            if len(sections) > 1:
                st.caption(section)
            for entry in pages:
                st.page_link(entry, label=entry.title, icon=entry.icon, query_params=params)


def sidebar() -> None:
    svc = system_services()
    with st.sidebar:
        st.caption("Backend")
        st.write(svc.backend_label)
        if svc.settings.has_claude_key:
            st.success("Claude key configured", icon=":material/key:")
        else:
            st.warning("No Claude key: generation shows prompts and cost only.", icon=":material/key_off:")
            if svc.settings.backend == "embedded":
                st.page_link("pages/settings.py", label="Add your key in Settings", icon=":material/key:")
        if (user := signed_in_user()) is not None:
            st.caption("Signed in")
            st.write(user.email or user.id, "(reviewer)" if user.role == "reviewer" else "")
            if st.button("Sign out", key="sidebar_sign_out", icon=":material/logout:"):
                sign_out()
                st.rerun()


SIGN_IN = ("pages/sign_in.py", "Sign in", ":material/login:")
if system_services().settings.backend == "supabase" and signed_in_user() is None:
    # On Supabase every page is behind sign-in; the embedded backend has no accounts.
    page = st.navigation([st.Page(SIGN_IN[0], title=SIGN_IN[1], icon=SIGN_IN[2])], position="hidden")
else:
    sections = navigation()
    page = st.navigation(sections, position="hidden")
    menu(sections, project_picker())
sidebar()
page.run()
