"""Enrich: run the pipeline on one, a selection, or all pending conversations; inspect stages and reports."""

from __future__ import annotations

import streamlit as st

from core.enrichment import timeline
from core.enrichment.pipeline import FAILED, PENDING
from pages._enrich_widgets import label, run_with_progress, show_quality, show_report, show_summary, show_timeline
from pages._ui import empty_state, friendly_errors, services

st.title("Enrich")
st.caption("Validate → enrich → normalize → store: turns each conversation into training pairs with a measured score.")

svc = services()
enrichment = svc.enrichment
rows = enrichment.conversations()
if not rows:
    empty_state("No conversations yet: generate some, import files, or load the demo on Home.")

by_id = {r.conversation_id: r for r in rows}
pending = [r.conversation_id for r in rows if r.enrichment_status in PENDING]
failed = enrichment.failed_ids()
completed = sum(r.enrichment_status == "completed" for r in rows)

cols = st.columns(4)
cols[0].metric("Conversations", len(rows))
cols[1].metric("Pending", len(pending))
cols[2].metric("Completed", completed)
cols[3].metric("Failed", len(failed))

summary = st.session_state.pop("enrich_last_summary", None)
if summary is not None:
    show_summary(summary)

st.subheader("Run")
judge_ready = enrichment.judge_available
judge = st.toggle(
    "Also score with the Claude judge",
    key="enrich_judge",
    disabled=not judge_ready,
    help="Empathy, clarity, appropriateness, expert-voice alignment and arc adherence per turn (cheap model).",
)
if not judge_ready:
    st.caption("The judge needs a Claude API key (ANTHROPIC_API_KEY); the rule-based score always runs.")

choices = [r.conversation_id for r in rows if r.enrichment_status != "completed"]
selected = st.multiselect(
    "Conversations to enrich",
    options=choices,
    format_func=lambda cid: label(by_id[cid]),
    key="enrich_selection",
    placeholder="Pick conversations, or use 'Enrich all pending'",
)
if judge:
    target = selected or pending
    with friendly_errors():
        estimate = enrichment.judge_cost_estimate(target)
        st.caption(f"Judge cost estimate for {len(target)} conversation(s): about ${estimate:.4f}.")

buttons = st.columns(3)
if buttons[0].button("Enrich selected", key="enrich_run_selected", type="primary", disabled=not selected):
    run_with_progress(enrichment.run_many, selected, judge=judge)
if buttons[1].button(f"Enrich all pending ({len(pending)})", key="enrich_run_all", disabled=not pending):
    run_with_progress(enrichment.run_many, pending, judge=judge)
if buttons[2].button(f"Retry failed ({len(failed)})", key="enrich_retry_failed", disabled=not failed):
    run_with_progress(enrichment.retry, failed, judge=judge)

st.subheader("Inspect a conversation")
inspect_id = st.selectbox(
    "Conversation",
    options=list(by_id),
    format_func=lambda cid: label(by_id[cid]),
    index=list(by_id).index(failed[0]) if failed else 0,
    key="enrich_inspect",
)
row = by_id[inspect_id]
show_timeline(timeline(row))
if row.enrichment_error:
    st.error(row.enrichment_error, icon=":material/error:")

actions = st.columns(2)
if row.enrichment_status != "completed":
    is_failed = inspect_id in failed
    if actions[0].button("Retry" if is_failed else "Enrich this one", key="enrich_run_one", type="primary"):
        run_with_progress(enrichment.retry if is_failed else enrichment.run_many, [inspect_id], judge=judge)
elif actions[0].button("Re-enrich", key="enrich_force_one", help="Rebuild the file (e.g. to add judge scores)."):
    run_with_progress(lambda ids, **kw: enrichment.run_many(ids, force=True, **kw), [inspect_id], judge=judge)

report_tab, quality_tab = st.tabs(["Validation report", "Quality"])
with report_tab:
    show_report(row.validation_report)
with quality_tab:
    show_quality(row)
if row.enrichment_status in FAILED:
    st.caption("Fix the stored conversation (or re-import it), then use Retry.")
