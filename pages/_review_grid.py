"""The Review page's grid: filters and sort (kept in the URL), the table, paging, and actions on the selection."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from core.bootstrap import Services
from core.models.scaffolding import TIERS
from core.models.status_labels import status_text
from core.models.statuses import ENRICHMENT_STATUSES, REVIEW_STATUSES
from core.review.grid import (
    SECONDARY,
    SORTS,
)
from core.review.guards import RISKS, describe
from core.review.names import Names, words
from core.review.queries import GridFilters, GridPage, GridQuery
from pages._review_widgets import ASKING_KEY, DONE_WORDS, REJECT_REASONS, bulk_result_text, flash
from pages._ui import run_action

SELECTED_KEY = "review_selected"
#: A decision a visitor asked for before giving their name: made once the name is given (same selection).
PENDING_KEY = "review_pending_decision"
PAGE_SIZES = (25, 50, 100)


def selected() -> list[str]:
    return list(st.session_state.get(SELECTED_KEY, []))


def set_selected(ids: list[str]) -> None:
    st.session_state[SELECTED_KEY] = ids


def filter_options(svc: Services) -> dict[str, list[str]]:
    """The clients, arcs and topics present, for the filter pickers: read at most once a minute per session
    (three DISTINCT scans of the whole table, too slow to repeat on every click at 10,000 rows)."""
    found = st.session_state.get("review_filter_options")
    if found is None or time.monotonic() - found[0] > 60:
        found = (time.monotonic(), svc.review.filter_options())
        st.session_state["review_filter_options"] = found
    return dict(found[1])


def filter_row(options: dict[str, list[str]], names: Names, query: GridQuery) -> GridQuery:
    """Status, enrichment, search, sort and the rarer filters in a popover; returns the query they describe."""
    current = query.filters
    row = st.container(horizontal=True, vertical_alignment="bottom")  # "More filters" keeps its own width
    statuses = row.multiselect(
        "Review status",
        REVIEW_STATUSES,
        default=current.review_status,
        format_func=lambda s: status_text("review", s),
        key="rf_status",
        placeholder="Any status",
    )
    enrichment = row.multiselect(
        "Enrichment",
        ENRICHMENT_STATUSES,
        default=current.enrichment_status,
        format_func=lambda s: status_text("enrichment", s),
        key="rf_enrichment",
        placeholder="Any",
    )
    text = row.text_input("Search in turns", value=current.text, key="rf_text", placeholder="Words in the turns")
    choices: list[tuple[str, bool]] = list(SORTS)
    here = (query.sort_by, query.descending)
    if here not in SORTS:
        choices.append(here)
    sort_by, descending = row.selectbox(
        "Sort by",
        choices,
        index=choices.index(here),
        format_func=lambda c: SORTS.get(c) or f"{c[0].replace('_', ' ').capitalize()}",
        key="rf_sort",
    )
    with row.popover("More filters", icon=":material/tune:"):
        # One picker per scaffolding key: the keys present in the data, shown by name, URL choices kept.
        personas, arcs, topics = (
            st.multiselect(
                label,
                options[field],
                default=[k for k in getattr(current, field) if k in options[field]],
                format_func=shown,
                key=key,
            )
            for label, field, shown, key in (
                ("Client", "persona_key", names.persona, "rf_persona"),
                ("Arc", "emotional_arc_key", names.arc, "rf_arc"),
                ("Topic", "topic_key", names.topic, "rf_topic"),
            )
        )
        tiers = st.multiselect("Kind", TIERS, default=current.tier, format_func=words, key="rf_tier")
        low, high = st.slider(
            "Quality", 1.0, 5.0, (current.quality_min or 1.0, current.quality_max or 5.0), step=0.1, key="rf_quality"
        )
    ranged = (low, high) != (1.0, 5.0)  # the full range also keeps unscored conversations
    filters = GridFilters.model_validate(
        {
            "review_status": statuses,
            "tier": tiers,
            "enrichment_status": enrichment,
            "persona_key": personas,
            "emotional_arc_key": arcs,
            "topic_key": topics,
            "text": text,
            "quality_min": low if ranged else None,
            "quality_max": high if ranged else None,
        }
    )
    if filters == current and (sort_by, descending) == here:
        return query
    return query.model_copy(update={"filters": filters, "sort_by": sort_by, "descending": descending, "page": 1})


def column_chooser(chosen: list[str]) -> list[str]:
    with st.popover("Columns", icon=":material/view_column:"):
        return list(
            st.multiselect(
                "More columns",
                SECONDARY,
                default=[c for c in chosen if c in SECONDARY],
                key="rf_columns",
                help="Conversation, status, quality, enrichment and date are always shown.",
            )
        )


def pager(page: GridPage, query: GridQuery) -> GridQuery:
    """Previous / next page, the page size, and where we are; returns the query to show."""
    left, mid, size_col, right = st.columns([1, 4, 1.2, 1], vertical_alignment="center")
    target = query
    # The page changes in the address before the next run, so that run draws the new page at once.
    left.button(
        "Previous",
        key="review_prev_page",
        disabled=page.page <= 1,
        icon=":material/chevron_left:",
        on_click=_go_to_page,
        args=(page.page - 1,),
    )
    mid.caption(f"{page.showing()} · page {page.page} of {page.total_pages}")
    size = size_col.selectbox(
        "Rows per page",
        PAGE_SIZES,
        index=PAGE_SIZES.index(query.page_size) if query.page_size in PAGE_SIZES else 0,
        key="review_page_size",
        label_visibility="collapsed",
        format_func=lambda n: f"{n} a page",
    )
    if size != query.page_size:
        target = query.model_copy(update={"page_size": size, "page": 1})
    right.button(
        "Next",
        key="review_next_page",
        disabled=page.page >= page.total_pages,
        icon=":material/chevron_right:",
        on_click=_go_to_page,
        args=(page.page + 1,),
    )
    return target


def _go_to_page(number: int) -> None:
    if number <= 1:
        st.query_params.pop("page", None)
    else:
        st.query_params["page"] = str(number)


def _needs_name() -> list[str] | None:
    """Ask for the reviewer's name (the page shows the box); nothing was changed."""
    st.session_state[ASKING_KEY] = True
    return None


def bulk_bar(svc: Services, ids: list[str], reviewer: str | None) -> list[str] | None:
    """Actions on the selected rows. Returns the ids an action changed (``None`` when none ran).

    Without a reviewer (a visitor only looking), a decision asks for the name first and is made once it is
    given, on the same selection."""
    risky = svc.review.approval_risks(ids) if ids else {}
    bar = st.container(horizontal=True, vertical_alignment="center")  # buttons at their own widths, wrapping
    bar.markdown(f"**{len(ids)} selected**", width="content")
    run: tuple[str, dict[str, Any]] | None = None
    if bar.button("Approve", key="bulk_approve", disabled=not ids, type="primary"):
        run = ("approve", {"confirm": ()})
    with bar.popover("Reject", disabled=not ids):
        reasons = st.multiselect("Reasons", REJECT_REASONS, key="bulk_reasons")
        comment = st.text_input("Comment (kept in the history)", key="bulk_comment")
        if st.button(f"Reject {len(ids)}", key="bulk_reject", disabled=not ids):
            run = ("reject", {"reasons": reasons, "comment": comment})
    if bar.button("Another pass", key="bulk_needs_revision", disabled=not ids):
        run = ("needs_revision", {})
    if bar.button("Archive", key="bulk_archive", disabled=not ids):
        run = ("archive", {})
    if bar.button("Enrich", key="bulk_enrich", disabled=not ids):
        if reviewer is None:
            return _needs_name()
        message = run_action("Enriching…", lambda: svc.review.enrich(ids, reviewer))
        if message is not None:
            flash(str(message))
            return []
    with bar.popover("Add to training file", disabled=not ids):
        file_name = st.text_input("Training file (new or existing name)", key="bulk_training_file")
        if st.button("Add", key="bulk_training", disabled=not ids or not file_name.strip()):
            if reviewer is None:
                return _needs_name()
            message = run_action("Adding…", lambda: svc.review.add_to_training_file(ids, reviewer, file_name=file_name))
            if message is not None:
                flash(str(message))
                return []
    if risky:  # last in the row; read by Approve (its value is known before the buttons run)
        every = sorted({r for found in risky.values() for r in found}, key=RISKS.index)
        if (
            bar.checkbox(
                f"Approve the {len(risky)} risky too",
                key="bulk_confirm",
                help=f"{len(risky)} of the selected need a confirmation: {describe(every)}. It is kept in the history.",
            )
            and run is not None
            and run[0] == "approve"
        ):
            run = ("approve", {"confirm": RISKS})
    pending = st.session_state.pop(PENDING_KEY, None) if reviewer is not None else None
    if run is None and pending is not None and pending[2] == ids:
        run = (pending[0], pending[1])
    if run is None:
        return None
    if reviewer is None:
        st.session_state[PENDING_KEY] = (*run, ids)
        return _needs_name()
    decision, options = run
    result = run_action("Saving…", lambda: svc.review.bulk(ids, decision, reviewer, **options))  # type: ignore[arg-type]
    if result is None:
        return None
    flash(bulk_result_text(DONE_WORDS[decision], len(result.done), result.refused), undo=list(result.done))
    return list(result.done)
