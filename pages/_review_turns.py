"""The conversation's turns as the unit of review: each bubble with its emotion, the arc's plan and the
judge's verdict beside a client turn, inline rating buttons, other reviewers' ratings, and in-place editing.

Every widget key contains the conversation id, so nothing typed or picked on one conversation shows on
another.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.bootstrap import Services
from core.models.review import TurnRating
from core.models.statuses import Review
from core.names import humanize
from core.review.detail import ConversationDetail, TurnView
from pages._review_widgets import RATING_LABELS, flash
from pages._ui import run_action, system_services


def rating_key(conversation_id: str, turn_number: int) -> str:
    return f"rate_{conversation_id}_{turn_number}"


def _caption(turn: TurnView) -> str:
    who = "Client" if turn.is_client else "Expert"
    parts = [f"**Turn {turn.turn_number}** · {who}"]
    if turn.emotion:
        feeling = humanize(turn.emotion) + (
            f" ({humanize(turn.secondary_emotion).lower()})" if turn.secondary_emotion else ""
        )
        parts.append(feeling)
    if turn.intensity is not None:
        parts.append(f"intensity {turn.intensity:.2f}")
    if turn.is_client and turn.planned_intensity is not None:
        parts.append(f"planned {turn.planned_intensity:.2f}")
    if turn.edited:
        parts.append("edited")
    return " · ".join(parts)


def _judge_line(turn: TurnView) -> str | None:
    if not turn.is_client or turn.judge_score is None:
        return None
    comment = f": {turn.judge_comment}" if turn.judge_comment else ""
    return f"Judge (suggestion): follows the emotional journey {turn.judge_score:.0f}/5{comment}"


def _others(ratings: list[TurnRating]) -> str:
    return " · ".join(f"{r.rated_by}: {RATING_LABELS[r.rating]}" for r in ratings)


def show_turns(
    svc: Services, detail: ConversationDetail, reviewer: str, current: int | None, *, read_only: bool = False
) -> None:
    """Every turn, in order, with its tools (none for a visitor who only looks: ``read_only``)."""
    cid = detail.conversation.conversation_id
    mine = detail.ratings_of(reviewer)
    if not detail.turns:
        st.warning("This conversation has no parsed turns; download the raw JSON (Details) to see what was returned.")
    for turn in detail.turns:
        avatar = ":material/person:" if turn.is_client else ":material/support_agent:"
        with st.chat_message(turn.role, avatar=avatar):
            marker = "  ← current turn (keys 1 · 2 · 3)" if turn.turn_number == current else ""
            st.caption(_caption(turn) + marker)
            if judged := _judge_line(turn):
                st.caption(judged)
            _text_or_editor(svc, cid, turn, reviewer, approved=detail.conversation.review_status == Review.APPROVED)
            if not read_only:
                _rating_row(svc, cid, turn, mine.get(turn.turn_number), reviewer)
            if others := detail.others_ratings(reviewer, turn.turn_number):
                st.caption("Other reviewers: " + _others(others))


def _rating_row(svc: Services, cid: str, turn: TurnView, rating: TurnRating | None, reviewer: str) -> None:
    left, right = st.columns([3, 1], vertical_alignment="center")
    key = rating_key(cid, turn.turn_number)
    options: list[str] = list(RATING_LABELS)
    current: str | None = rating.rating if rating else None
    picked = left.segmented_control(
        f"Your rating of turn {turn.turn_number}",
        options,
        format_func=lambda v: RATING_LABELS[v],
        default=current,
        key=key,
        label_visibility="collapsed",
    )
    if picked is not None and (rating is None or picked != rating.rating):
        value: Any = picked
        saved = run_action("Saving…", lambda: svc.review.rate_turn(cid, turn.turn_number, value, reviewer))
        if saved is not None:
            flash(f"Turn {turn.turn_number} rated {RATING_LABELS[picked]}.")
            st.rerun()
    editing = f"editing_{cid}_{turn.turn_number}"
    if not st.session_state.get(editing) and right.button(
        "Edit", key=f"edit_{cid}_{turn.turn_number}", icon=":material/edit:", type="tertiary"
    ):
        st.session_state[editing] = True
        st.rerun()


def _text_or_editor(svc: Services, cid: str, turn: TurnView, reviewer: str, *, approved: bool) -> None:
    editing = f"editing_{cid}_{turn.turn_number}"
    if not st.session_state.get(editing):
        st.markdown(turn.content)
        return
    text = st.text_area(
        f"Turn {turn.turn_number} text", value=turn.content, key=f"text_{cid}_{turn.turn_number}", height=160
    )
    keep = approved and st.checkbox(
        "Keep it approved",
        key=f"keep_approved_{cid}_{turn.turn_number}",
        help="This conversation is approved. An edit sends it back to review unless you confirm it stays approved.",
    )
    save, cancel, _ = st.columns([1, 1, 3])
    if save.button("Save edit", key=f"save_edit_{cid}_{turn.turn_number}", type="primary"):
        result = run_action(
            "Saving the edit and updating its training pairs…",
            # Runs as system work once the signed-in user can see the conversation (see edit_turn_for).
            lambda: (
                system_services()
                .in_project(svc.project_id)
                .review.edit_turn_for(svc.review, cid, turn.turn_number, text, reviewer, keep_approved=keep)
            ),
        )
        if result is not None:
            st.session_state.pop(editing, None)
            flash(result.message)
            st.rerun()
    if cancel.button("Cancel", key=f"cancel_edit_{cid}_{turn.turn_number}"):
        st.session_state.pop(editing, None)
        st.rerun()
