"""Review: the grid of conversations (filtered, sorted and paged in the database, all kept in the URL),
actions on the selection with a toast and Undo, and the queue ("Review next pending")."""

from __future__ import annotations

import streamlit as st

from core.review.agreement import names_note
from core.review.grid import DEFAULT_SECONDARY, NO_COLUMNS
from pages._review_grid import (
    bulk_bar,
    column_chooser,
    filter_options,
    filter_row,
    pager,
    selected,
    set_selected,
)
from pages._review_table import opened, show_grid
from pages._review_widgets import (
    ASKING_KEY,
    ask_name,
    current_query,
    forget_reviewer,
    known_reviewer,
    open_conversation,
    set_url,
    show_flash,
    undo_bar,
)
from pages._ui import empty_state, services

svc = services()
head, who = st.columns([1.6, 3], vertical_alignment="bottom")
head.title("Review")
if not svc.review.has_conversations():
    empty_state("No conversations to review yet. Load the demo dataset or import conversations on Home.")
# Anyone with the link sees the grid at once; the name is asked only when they decide (kept in this tab only).
name = known_reviewer()
show_flash()

query = current_query()
names = svc.review.names()
wanted = filter_row(filter_options(svc), names, query)
cols_param = str(st.query_params.get("cols", ""))
chosen_columns = [c for c in cols_param.split(",") if c and c != NO_COLUMNS] if cols_param else list(DEFAULT_SECONDARY)

# Rows of buttons lay out at their own widths (and wrap) so no label is ever cut, at 1280 px too.
top = st.container(horizontal=True, vertical_alignment="center", gap="medium")
top.markdown(f"**{svc.review.progress(wanted.filters, name)}**", width="content")
if top.button("Review next pending", key="review_queue", type="primary", icon=":material/play_arrow:", shortcut="N"):
    first = svc.review.next_pending(wanted)
    if first is None:
        st.toast("Nothing in this list is waiting for review.", icon=":material/done_all:")
    else:
        open_conversation(first, wanted)
with top:
    secondary = column_chooser(chosen_columns)
with who, st.container(horizontal=True, vertical_alignment="center"):
    if name:
        st.caption(f"Reviewing as **{name}**. Every decision records your name.")
        if st.button("Not you?", key="review_change_name", type="tertiary"):
            forget_reviewer()
            st.rerun()
    else:
        st.caption("You are only looking: nothing is recorded until you decide.")
        if st.button("Start reviewing", key="review_start", type="tertiary"):
            st.session_state[ASKING_KEY] = True

page = svc.review.page(wanted)
if page.total and not page.rows:  # the page ran past the end after an action shrank the set
    wanted = wanted.model_copy(update={"page": page.total_pages})
    page = svc.review.page(wanted)
set_url(wanted, cols=None if list(secondary) == list(DEFAULT_SECONDARY) else ",".join(secondary) or NO_COLUMNS)

if name and undo_bar(svc, name, key="undo_button_review"):
    st.rerun()

if (clicked := opened()) is not None:
    open_conversation(clicked, wanted)
ids = selected()
if ids and len(shown := svc.review.still_matching(wanted.filters, ids)) < len(ids):
    # A bulk action only ever touches rows the filters show: the others leave the selection, and we say so.
    set_selected(shown)
    st.toast(f"{len(ids) - len(shown)} selected conversation(s) are hidden by the filters and were unselected.")
    ids = shown
changed = bulk_bar(svc, ids, name)
asking = st.container()  # always there, so the grid below keeps its place when the name box shows
if not name and st.session_state.get(ASKING_KEY):
    with asking:
        ask_name(
            intro="To approve, reject or grade, give your name: every decision records it. "
            "It is kept in this browser tab only, never in a link.",
            stop=False,
        )
if changed is not None:
    set_selected(svc.review.still_matching(wanted.filters, ids))
    st.rerun()

if not page.rows:
    st.info("No conversation matches these filters. Clear a filter above to see more.")
    st.stop()

show_grid(page, names, secondary)
target = pager(page, wanted)
if target != wanted:
    set_url(target, cols=",".join(secondary) or None)
    st.rerun()
st.caption(
    "Tick rows to act on several at once; click a row to open it. Shortcuts: **N** review next pending, **Z** undo."
)

with st.expander("Agreement between reviewers", icon=":material/groups:"):
    st.write(svc.review.agreement().summary())
    st.caption(names_note(signed_in=svc.settings.backend == "supabase"))
