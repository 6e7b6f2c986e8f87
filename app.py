"""Bright Run Studio: the router and the shared sidebar. Pages live in ``pages/``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages._ui import services

st.set_page_config(page_title="Bright Run Studio", page_icon=":material/auto_awesome:", layout="wide")

PAGES = {
    "Start": [
        ("pages/home.py", "Home", ":material/home:"),
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
    ],
    "Ship": [
        ("pages/export.py", "Export", ":material/download:"),
        ("pages/spec_splitter.py", "Spec splitter", ":material/splitscreen:"),
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


def sidebar() -> None:
    svc = services()
    with st.sidebar:
        st.caption("Backend")
        st.write(svc.backend_label)
        if svc.settings.has_claude_key:
            st.success("Claude key configured", icon=":material/key:")
        else:
            st.warning("No Claude key: generation shows prompts and cost only.", icon=":material/key_off:")


page = st.navigation(navigation())
sidebar()
page.run()
