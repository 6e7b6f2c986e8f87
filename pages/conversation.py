"""One conversation: turns as chat bubbles, intensity against the arc, per-turn ratings, grade, decision, history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.models.review import RUBRIC
from core.review.detail import intensity_chart_rows
from core.review.transitions import STATUS_LABELS, TRANSITIONS, allowed_decisions
from pages._review_widgets import (
    OPEN_KEY,
    REJECT_REASONS,
    chat_bubble,
    current_query,
    history_list,
    turn_tools,
)
from pages._ui import empty_state, friendly_errors, require_reviewer, run_action, services

svc = services()
conversation_id = st.query_params.get("id") or st.session_state.get(OPEN_KEY)
if not conversation_id or svc.db.conversations.find(conversation_id) is None:
    empty_state("Pick a conversation on the Review page to open it here.", page="pages/review.py", label="Go to Review")
st.session_state[OPEN_KEY] = conversation_id
reviewer = require_reviewer()
detail = svc.review.detail(conversation_id)
row = detail.conversation


def _go(target: str | None) -> None:
    st.session_state[OPEN_KEY] = target
    st.query_params["id"] = str(target)
    st.rerun()


st.title(row.conversation_name)
previous, following = svc.review.neighbours(current_query(), conversation_id)
nav = st.columns([1, 1, 4])
if nav[0].button("Previous", key="detail_prev", disabled=previous is None, icon=":material/chevron_left:"):
    _go(previous)
if nav[1].button("Next", key="detail_next", disabled=following is None, icon=":material/chevron_right:"):
    _go(following)
quality = f"{row.quality_score:.1f}" if row.quality_score is not None else "not scored"
nav[2].caption(
    f"{STATUS_LABELS[row.review_status]} · tier {row.tier} · quality {quality} · enrichment {row.enrichment_status}"
    f" · persona {row.persona_key or '-'} · arc {row.emotional_arc_key or '-'} · topic {row.topic_key or '-'}"
)
if message := st.session_state.pop("detail_message", None):
    st.success(message)

downloads = st.columns(2)
with friendly_errors():
    if row.raw_response_path:
        name, data = svc.review.download(conversation_id, "raw")
        downloads[0].download_button("Download raw JSON", data, file_name=name, mime="application/json", key="dl_raw")
    if detail.enriched_ready:
        name, data = svc.review.download(conversation_id, "enriched")
        downloads[1].download_button("Download enriched JSON", data, name, mime="application/json", key="dl_enriched")
    else:
        downloads[1].caption(f"Enriched JSON: not available ({row.enrichment_status}).")

turns_col, side = st.columns([3, 2])
with turns_col:
    if not detail.turns:
        st.warning("This conversation has no parsed turns; download the raw JSON to see what was returned.")
    for turn in detail.turns:
        rating = detail.ratings.get(turn.turn_number)
        chat_bubble(turn, rating)
        turn_tools(svc, conversation_id, turn, rating, reviewer)

with side:
    st.subheader("Intensity per turn")
    chart = pd.DataFrame(intensity_chart_rows(detail))
    if not chart.empty:
        st.line_chart(chart.set_index("turn"), height=220)
        if detail.bands:
            st.caption(f"Planned by '{detail.bands.arc_name}': start and end bands (min/max lines).")

    st.subheader("Grade")
    last = detail.grade
    overall = st.slider("Overall", 1, 5, last.overall if last else 3, key="grade_overall")
    rubric = {
        name: st.slider(name.replace("_", " ").title(), 1, 5, getattr(last, name) if last else 3, key=f"grade_{name}")
        for name in RUBRIC
    }
    grade_note = st.text_input("Grade comment", key="grade_comment")
    if last:
        st.caption(f"Last graded {last.overall}/5 by {last.graded_by} on {last.created_at:%Y-%m-%d %H:%M}.")
    if st.button("Save grade", key="grade_save"):
        saved = run_action(
            "Saving…",
            lambda: svc.review.grade(conversation_id, reviewer, overall=overall, rubric=rubric, comment=grade_note),
        )
        if saved is not None:
            st.session_state["detail_message"] = f"Grade {saved.overall}/5 saved."
            st.rerun()

    st.subheader("Decision")
    choices = allowed_decisions(row.review_status)
    decision = st.radio(
        "Decision",
        choices,
        format_func=lambda d: TRANSITIONS[d].label.capitalize(),
        horizontal=True,
        key="decision_pick",
    )
    reasons = st.multiselect("Reasons (a rejection needs one, or a comment)", REJECT_REASONS, key="decision_reasons")
    comment = st.text_area("Comment", key="decision_comment", height=80)
    if st.button("Submit decision", key="decision_submit", type="primary", disabled=decision is None):
        done = run_action(
            "Saving…", lambda: svc.review.decide(conversation_id, decision, reviewer, comment=comment, reasons=reasons)
        )
        if done is not None:
            st.session_state["detail_message"] = f"Now {STATUS_LABELS[done.review_status]}."
            st.rerun()

    st.subheader("History")
    history_list(detail.history)
