"""Shared pieces of the review pages: the reviewer's name, the grid's address, navigation, toasts and Undo."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.bootstrap import Services
from core.models.status_labels import status_badge
from core.review.queries import GridQuery
from core.review.urlstate import PARAMS, query_from_params, query_to_params
from pages._ui import reviewer_name, run_action

REJECT_REASONS = ("Off-voice", "Factually wrong", "Unsafe advice", "Truncated or incomplete", "Repetitive", "Other")
RATING_LABELS = {"good": "Good", "needs_work": "Needs work", "bad": "Bad"}
DONE_WORDS = {
    "approve": "approved",
    "reject": "rejected",
    "needs_revision": "sent back for another pass",
    "archive": "archived",
    "move_to_review": "moved back to review",
}
UNDO_KEY = "review_undo"
FLASH_KEY = "review_flash"
#: URL parameters the review pages own besides the grid's (``id`` the conversation, ``cols`` the columns).
#: The reviewer's name is never one: a shared link must not record the next person's decisions under it.
OWN = (*PARAMS, "cols", "id")


def url_params() -> dict[str, str]:
    return {k: str(v) for k, v in st.query_params.to_dict().items()}


def current_query() -> GridQuery:
    """The grid's filters, sort and page, read from the URL (the one place they live)."""
    return query_from_params(url_params())


def set_url(query: GridQuery, **extra: str | None) -> None:
    """Write ``query`` (and ``extra`` parameters, ``None`` removes one) into the URL, changing only what differs."""
    wanted = query_to_params(query)
    keep = {k: v for k, v in url_params().items() if k in ("cols", "id") and k not in extra}
    wanted |= keep | {k: v for k, v in extra.items() if v}
    for name in [k for k in st.query_params if k in OWN and k not in wanted]:
        del st.query_params[name]
    for name, value in wanted.items():
        if st.query_params.get(name) != value:
            st.query_params[name] = value


def link_params(query: GridQuery, **extra: str) -> dict[str, str]:
    """Parameters for a switch to the other review page: the same grid, the reviewer, and ``extra``."""
    return query_to_params(query) | extra


def known_reviewer() -> str | None:
    """The reviewer of this browser session (signed in on Supabase, or the name given in this tab), if any.
    A ``reviewer`` in the address (links made by earlier versions) is dropped, never taken."""
    if "reviewer" in st.query_params:
        del st.query_params["reviewer"]
    return reviewer_name()


ASKING_KEY = "asking_name"


def ask_name(
    *, intro: str = "Enter your name once: every review decision records who made it.", stop: bool = True
) -> None:
    """The name box (kept for this browser session only, never in the address); ``stop``: the page waits for it."""
    st.info(intro, icon=":material/badge:")
    left, _ = st.columns([1, 2])
    entered = left.text_input("Your name", key="reviewer_name_input")
    if left.button("Continue", key="reviewer_name_continue", type="primary") and entered.strip():
        st.session_state["reviewer_name"] = entered.strip()
        st.session_state.pop(ASKING_KEY, None)
        st.rerun()
    if stop:
        st.stop()


def reviewer() -> str:
    """The reviewer: signed in (Supabase), or the name given once in this browser session (asked for here)."""
    name = known_reviewer()
    if not name:
        ask_name()
    return str(name)


def forget_reviewer() -> None:
    st.session_state.pop("reviewer_name", None)


def open_conversation(conversation_id: str, query: GridQuery) -> None:
    st.switch_page("pages/conversation.py", query_params=link_params(query, id=conversation_id))


def back_to_grid(query: GridQuery) -> None:
    st.switch_page("pages/review.py", query_params=link_params(query))


def flash(text: str, *, undo: list[str] | None = None, error: bool = False) -> None:
    """Say what happened on the next run (a toast), and remember the ids the last action changed for Undo."""
    st.session_state[FLASH_KEY] = {"text": text, "error": error}
    if undo:
        st.session_state[UNDO_KEY] = {"ids": undo, "text": text}


def show_flash() -> None:
    found = st.session_state.pop(FLASH_KEY, None)
    if found:
        st.toast(found["text"], icon=":material/error:" if found["error"] else ":material/check_circle:")


def undo_bar(svc: Services, name: str, *, key: str) -> list[str] | None:
    """The last action and an Undo button (shortcut Z); returns the ids put back when Undo was pressed."""
    last = st.session_state.get(UNDO_KEY)
    if not last:
        return None
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.caption(f"Last action: {last['text']}")
    if not right.button("Undo", key=key, icon=":material/undo:", shortcut="Z", help="Undo the last action (Z)"):
        return None
    result = run_action("Undoing…", lambda: svc.review.undo(last["ids"], name))
    if result is None:
        return None
    st.session_state.pop(UNDO_KEY, None)
    refused = f", {len(result.refused)} could not be undone ({result.refused[0].reason})" if result.refused else ""
    flash(f"Undone: {len(result.done)} put back{refused}.", error=bool(result.refused))
    return list(result.done)


def bulk_result_text(verb: str, done: int, refused: list[Any]) -> str:
    line = f"{done} {verb}"
    if refused:
        line += f"; {len(refused)} not: " + "; ".join(sorted({r.reason for r in refused}))
    return line + "."


def status_words(value: str) -> str:
    return status_badge("review", value)
