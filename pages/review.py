"""Review: a fast grid of conversations, filtered, sorted and paged in the database, with bulk actions."""

from __future__ import annotations

import streamlit as st

from core.review.grid import apply_sort, selected_ids
from pages._review_widgets import (
    OPEN_KEY,
    bulk_bar,
    current_query,
    filter_widgets,
    pager,
    show_grid,
    store_query,
)
from pages._ui import empty_state, require_reviewer, services

svc = services()
st.title("Review")
if svc.db.conversations.count(where={"is_active": True}) == 0:
    empty_state("No conversations to review yet. Load the demo dataset or import conversations on Home.")
reviewer = require_reviewer()
st.caption(f"Reviewing as **{reviewer}**. Every decision records your name.")

query = current_query()
with st.expander("Filters", expanded=True, icon=":material/filter_list:"):
    filters = filter_widgets(svc.review.filter_options(), query.filters)
if filters != query.filters:
    query = query.model_copy(update={"filters": filters, "page": 1})
    store_query(query)

page = svc.review.page(query)
if page.total and not page.rows:  # the page ran past the end after a bulk action shrank the set
    query = query.model_copy(update={"page": page.total_pages})
    store_query(query)
    page = svc.review.page(query)

if message := st.session_state.pop("review_message", None):
    st.success(message)
if not page.rows:
    st.info("No conversation matches these filters.")
    st.stop()

response = show_grid(page, query)
resorted = apply_sort(query, response)
if resorted != query:
    store_query(resorted)
    st.rerun()
pager(page, query)

chosen = selected_ids(response, page.ids)
bulk_bar(svc, chosen, reviewer)

st.divider()
names = {r.conversation_id: r.conversation_name for r in page.rows}
left, right = st.columns([4, 1])
opened = left.selectbox(
    "Open a conversation",
    page.ids,
    index=page.ids.index(chosen[0]) if chosen else 0,
    format_func=lambda i: names[i],
    key="review_open_pick",
)
if right.button("Open", key="review_open", type="primary", icon=":material/open_in_new:"):
    st.session_state[OPEN_KEY] = opened
    st.switch_page("pages/conversation.py")
