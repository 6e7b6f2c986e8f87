"""Widget groups of the review pages: filters, the grid, bulk actions, paging, chat bubbles, history."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from st_aggrid import AgGrid, DataReturnMode, JsCode

from core.bootstrap import Services
from core.models.review import ReviewAction, TurnRating
from core.models.scaffolding import TIERS
from core.models.statuses import ENRICHMENT_STATUSES, REVIEW_STATUSES
from core.review.detail import TurnView
from core.review.grid import GRID_FIELDS, grid_records
from core.review.queries import GridFilters, GridPage, GridQuery
from core.review.transitions import STATUS_LABELS
from pages._ui import run_action, system_services

QUERY_KEY = "review_query"
OPEN_KEY = "review_open_id"
REJECT_REASONS = ("Off-voice", "Factually wrong", "Unsafe advice", "Truncated or incomplete", "Repetitive", "Other")
RATING_LABELS = {"good": "Good", "needs_work": "Needs work", "bad": "Bad"}
HEADERS = {"name": "Conversation", "review_status": "Review", "enrichment": "Enrichment", "created": "Created"}


def current_query() -> GridQuery:
    """The grid's filter, sort and page, kept for the session (the detail page navigates through it)."""
    stored = st.session_state.get(QUERY_KEY)
    return GridQuery.model_validate(stored) if stored else GridQuery()


def store_query(query: GridQuery) -> None:
    st.session_state[QUERY_KEY] = query.model_dump()


def filter_widgets(options: dict[str, list[str]], current: GridFilters) -> GridFilters:
    """The filter row; returns what is chosen now."""
    cols = st.columns(4)
    statuses = cols[0].multiselect(
        "Review status", REVIEW_STATUSES, default=current.review_status, format_func=STATUS_LABELS.get, key="rf_status"
    )
    tiers = cols[1].multiselect("Tier", TIERS, default=current.tier, key="rf_tier")
    enrichment = cols[2].multiselect(
        "Enrichment", ENRICHMENT_STATUSES, default=current.enrichment_status, key="rf_enrichment"
    )
    text = cols[3].text_input("Search in turns", value=current.text, key="rf_text")
    cols = st.columns(4)
    personas = cols[0].multiselect(
        "Persona",
        options["persona_key"],
        default=[p for p in current.persona_key if p in options["persona_key"]],
        key="rf_persona",
    )
    arcs = cols[1].multiselect(
        "Arc",
        options["emotional_arc_key"],
        default=[a for a in current.emotional_arc_key if a in options["emotional_arc_key"]],
        key="rf_arc",
    )
    topics = cols[2].multiselect(
        "Topic",
        options["topic_key"],
        default=[t for t in current.topic_key if t in options["topic_key"]],
        key="rf_topic",
    )
    low, high = cols[3].slider(
        "Quality", 1.0, 5.0, (current.quality_min or 1.0, current.quality_max or 5.0), step=0.1, key="rf_quality"
    )
    ranged = (low, high) != (1.0, 5.0)  # the full range also keeps unscored conversations
    return GridFilters.model_validate(
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


def grid_options(query: GridQuery) -> dict[str, Any]:
    """Columns, multi-row selection, and ``getRowId`` = the conversation id (the frame is not mutated)."""
    sort_field = next((f for f, c in GRID_FIELDS.items() if c == query.sort_by), None)
    columns: list[dict[str, Any]] = [{"field": "conversation_id", "hide": True}]
    for field in GRID_FIELDS:
        column: dict[str, Any] = {"field": field, "headerName": HEADERS.get(field, field.replace("_", " ").title())}
        if field == sort_field:
            column["sort"] = "desc" if query.descending else "asc"
        columns.append(column)
    return {
        "columnDefs": columns,
        "defaultColDef": {"sortable": True, "resizable": True, "filter": False},
        "rowSelection": {"mode": "multiRow", "checkboxes": True, "headerCheckbox": True},
        "getRowId": JsCode("function(params) { return params.data.conversation_id; }"),
        "suppressMultiSort": True,
    }


def show_grid(page: GridPage, query: GridQuery) -> dict[str, Any]:
    """Render one page in the grid; returns the component's raw response (empty before any event)."""
    frame = pd.DataFrame(grid_records(page))
    key = f"review_grid_{abs(hash(query.model_dump_json())) % 10**8}"
    response = AgGrid(
        frame,
        gridOptions=grid_options(query),
        height=min(80 + 42 * len(frame), 760),
        key=key,
        data_return_mode=DataReturnMode.AS_INPUT,
        allow_unsafe_jscode=True,
        update_on=["selectionChanged", "sortChanged"],
        show_toolbar=False,
    )
    raw = getattr(response, "grid_response", None)
    return raw if isinstance(raw, dict) else {}


def pager(page: GridPage, query: GridQuery) -> None:
    """Previous / next page and where we are."""
    left, mid, right = st.columns([1, 3, 1])
    if left.button("Previous", key="review_prev_page", disabled=page.page <= 1, icon=":material/chevron_left:"):
        store_query(query.model_copy(update={"page": page.page - 1}))
        st.rerun()
    mid.caption(f"{page.showing()} · page {page.page} of {page.total_pages}")
    if right.button(
        "Next", key="review_next_page", disabled=page.page >= page.total_pages, icon=":material/chevron_right:"
    ):
        store_query(query.model_copy(update={"page": page.page + 1}))
        st.rerun()


def bulk_bar(svc: Services, ids: list[str], reviewer: str) -> None:
    """Actions on the selected rows; each reports what it did and why anything was refused."""
    st.write(f"**{len(ids)} selected**")
    comment = st.text_input("Comment (kept in the history)", key="bulk_comment")
    reasons = st.multiselect("Reject reasons (a rejection needs one, or a comment)", REJECT_REASONS, key="bulk_reasons")
    file_name = st.text_input("Training file (new or existing name)", key="bulk_training_file")
    cols = st.columns(6)
    actions = {"approve": "Approve", "reject": "Reject", "needs_revision": "Needs revision", "archive": "Archive"}
    done = {
        "approve": "approved",
        "reject": "rejected",
        "needs_revision": "sent back for revision",
        "archive": "archived",
    }
    for col, (decision, label) in zip(cols, actions.items(), strict=False):
        if col.button(label, key=f"bulk_{decision}", disabled=not ids):
            result = run_action(
                f"{label}…", lambda d=decision: svc.review.bulk(ids, d, reviewer, comment=comment, reasons=reasons)
            )
            if result is not None:
                st.session_state["review_message"] = result.summary(done[decision]) + "".join(
                    f"\n- {r.reason}" for r in result.refused
                )
                st.rerun()
    if cols[4].button("Enrich", key="bulk_enrich", disabled=not ids):
        _after(run_action("Enriching…", lambda: svc.review.enrich(ids, reviewer)))
    if cols[5].button("Add to training file", key="bulk_training", disabled=not ids or not file_name.strip()):
        _after(run_action("Adding…", lambda: svc.review.add_to_training_file(ids, reviewer, file_name=file_name)))


def _after(message: str | None) -> None:
    if message is not None:
        st.session_state["review_message"] = message
        st.rerun()


def chat_bubble(turn: TurnView, rating: TurnRating | None) -> None:
    """One turn: who, what, the emotion and its intensity, and the current rating."""
    with st.chat_message(turn.role, avatar=":material/person:" if turn.role == "user" else ":material/support_agent:"):
        feeling = turn.emotion or "no emotion recorded"
        if turn.intensity is not None:
            feeling += f" · intensity {turn.intensity:.2f}"
        badges = [f"Turn {turn.turn_number}", feeling] + (["edited"] if turn.edited else [])
        if rating is not None:
            badges.append(f"rated {RATING_LABELS[rating.rating]} by {rating.rated_by}")
        st.caption(" · ".join(badges))
        st.write(turn.content)
        if rating is not None and rating.note:
            st.caption(f"Note: {rating.note}")


def history_list(history: list[ReviewAction]) -> None:
    if not history:
        st.caption("No review actions yet.")
        return
    for entry in history:
        change = f" ({entry.from_status} → {entry.to_status})" if entry.to_status else ""
        why = "; ".join([*entry.reasons, *([entry.comment] if entry.comment else [])])
        st.markdown(
            f"- {entry.created_at:%Y-%m-%d %H:%M} · **{entry.performed_by}** · {entry.action.replace('_', ' ')}"
            f"{change}" + (f" — {why}" if why else "")
        )


def turn_tools(svc: Services, conversation_id: str, turn: TurnView, rating: TurnRating | None, reviewer: str) -> None:
    """Rate a turn (with an optional note) or edit its text (kept as a revision, then re-enriched)."""
    key = f"{conversation_id}_{turn.turn_number}"
    with st.expander(f"Rate or edit turn {turn.turn_number}", icon=":material/edit_note:"):
        choices = list(RATING_LABELS)
        picked = st.radio(
            "Rating",
            choices,
            format_func=RATING_LABELS.get,
            horizontal=True,
            key=f"rate_{key}",
            index=choices.index(rating.rating) if rating else None,
        )
        note = st.text_input("Note (optional)", value=rating.note or "" if rating else "", key=f"note_{key}")
        if st.button("Save rating", key=f"save_rate_{key}", disabled=picked is None):
            saved = run_action(
                "Saving…", lambda: svc.review.rate_turn(conversation_id, turn.turn_number, picked, reviewer, note=note)
            )
            _after_detail("Rating saved." if saved is not None else None)
        text = st.text_area("Text", value=turn.content, key=f"text_{key}", height=140)
        if st.button("Save edit", key=f"save_edit_{key}", disabled=text.strip() == turn.content.strip()):
            result = run_action(
                "Saving and re-enriching…",
                # Runs as system work once the signed-in user can see the conversation (see edit_turn_for).
                lambda: system_services().review.edit_turn_for(
                    svc.db, conversation_id, turn.turn_number, text, reviewer
                ),
            )
            _after_detail(result.message if result is not None else None)


def _after_detail(message: str | None) -> None:
    if message is not None:
        st.session_state["detail_message"] = message
        st.rerun()
