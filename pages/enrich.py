"""Enrich: run the pipeline on one, a selection, or all pending conversations; inspect stages and reports."""

from __future__ import annotations

import streamlit as st

from core.enrichment import needs_attention, timeline
from core.models.statuses import ENRICHMENT_FAILURES, ENRICHMENT_TO_RUN, Enrichment
from core.names import Names
from pages._enrich_widgets import labels, run_with_progress, show_quality, show_report, show_summary, show_timeline
from pages._ui import empty_state, friendly_errors, page_link, services

st.title("Enrich")
st.caption(
    "Checks each conversation, scores its quality and turns it into training pairs a model can learn from "
    "(check → enrich → finalise → store)."
)

svc = services()
enrichment = svc.enrichment
# Headings (a few columns each), not whole rows: the page lists every conversation; only the one inspected
# is read whole.
rows = enrichment.headings()
if not rows:
    empty_state("No conversations yet: generate some, import files, or load the demo on Home.")

by_id = {r.conversation_id: r for r in rows}
shown = labels(rows, Names.of(svc.scaffolding))
pending = [r.conversation_id for r in rows if r.enrichment_status in ENRICHMENT_TO_RUN]
failed = [r.conversation_id for r in rows if needs_attention(r)]
completed = sum(r.enrichment_status == Enrichment.COMPLETED for r in rows)

cols = st.columns(4)
cols[0].metric("Conversations", len(rows))
cols[1].metric("Still to enrich", len(pending))
cols[2].metric("Enriched", completed)
cols[3].metric("Need attention", len(failed))

summary = st.session_state.pop("enrich_last_summary", None)
if summary is not None:
    show_summary(summary, shown)

st.subheader("Run")
judge_ready = enrichment.judge_available
judge = st.toggle(
    "Also score with the Claude judge",
    key="enrich_judge",
    disabled=not judge_ready,
    help="Claude grades empathy, clarity, appropriateness, the expert's voice and how well each turn follows "
    "the emotional journey (a small, cheap model). The rule-based score always runs.",
)
if not judge_ready:
    st.caption("The Claude judge needs your Claude key; the rule-based score always runs without it.")
    page_link("pages/settings.py", label="Open Settings to add your key", icon=":material/key:")

choices = [r.conversation_id for r in rows if r.enrichment_status != Enrichment.COMPLETED]
selected = st.multiselect(
    "Conversations to enrich",
    options=choices,
    format_func=shown.__getitem__,
    key="enrich_selection",
    placeholder="Pick conversations, or use 'Enrich all pending'",
)
if judge:
    target = selected or pending
    with friendly_errors():
        estimate = enrichment.judge_cost_estimate(target)
        st.caption(f"Judging {len(target)} conversation(s) costs about ${estimate:.4f}.")

buttons = st.columns(3)
if buttons[0].button("Enrich selected", key="enrich_run_selected", type="primary", disabled=not selected):
    run_with_progress(enrichment.run_many, selected, judge=judge)
if buttons[1].button(f"Enrich all not yet enriched ({len(pending)})", key="enrich_run_all", disabled=not pending):
    run_with_progress(enrichment.run_many, pending, judge=judge)
if buttons[2].button(f"Retry failed ({len(failed)})", key="enrich_retry_failed", disabled=not failed):
    run_with_progress(enrichment.retry, failed, judge=judge)

st.subheader("Inspect a conversation")
inspect_id = st.selectbox(
    "Conversation",
    options=list(by_id),
    format_func=shown.__getitem__,
    index=list(by_id).index(failed[0]) if failed else 0,
    key="enrich_inspect",
)
found = enrichment.conversation(inspect_id)
if found is None:  # deleted since the list was read: read the list again
    st.rerun()
row = found
show_timeline(timeline(row))
if row.enrichment_error:
    st.error(row.enrichment_error, icon=":material/error:")

actions = st.columns(2)
if row.enrichment_status != Enrichment.COMPLETED:
    is_failed = inspect_id in failed
    if actions[0].button("Retry" if is_failed else "Enrich this one", key="enrich_run_one", type="primary"):
        run_with_progress(enrichment.retry if is_failed else enrichment.run_many, [inspect_id], judge=judge)
elif actions[0].button("Re-enrich", key="enrich_force_one", help="Rebuild the file (e.g. to add judge scores)."):
    run_with_progress(lambda ids, **kw: enrichment.run_many(ids, force=True, **kw), [inspect_id], judge=judge)

quality_tab, report_tab = st.tabs(["Quality", "Checks"])
with report_tab:
    show_report(row.validation_report)
with quality_tab:
    show_quality(row)
if row.enrichment_status in ENRICHMENT_FAILURES:
    st.caption("Fix the stored conversation (or re-import it), then use Retry.")
