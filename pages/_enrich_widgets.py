"""Widget groups of the Enrich page: running with a progress bar, the stage timeline, the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.enrichment import EnrichmentOutcome, EnrichmentSummary, StageView
from core.errors import BrightRunError
from core.models.conversation import Conversation
from pages._ui import show_error

STAGE_ICONS = {
    "pending": ":material/radio_button_unchecked:",
    "in_progress": ":material/progress_activity:",
    "completed": ":material/check_circle:",
    "failed": ":material/cancel:",
}
Runner = Callable[..., EnrichmentSummary]


def label(row: Conversation) -> str:
    return f"{row.conversation_name[:60]} · {row.enrichment_status} · {row.conversation_id[:8]}"


def run_with_progress(run: Runner, *args: Any, judge: bool) -> None:
    """Run ``run(*args, judge=..., progress=...)`` behind a progress bar; keep the summary for the rerun."""
    bar = st.progress(0.0, text="Starting…")

    def advance(done: int, total: int, outcome: EnrichmentOutcome) -> None:
        bar.progress(done / total, text=f"{done} of {total} · last: {outcome.outcome}")

    try:
        summary = run(*args, judge=judge, progress=advance)
    except BrightRunError as err:
        show_error(err)
        return
    st.session_state["enrich_last_summary"] = summary
    st.rerun()


def show_summary(summary: EnrichmentSummary) -> None:
    show = st.warning if summary.failed else st.success
    show(f"Enrichment finished: {summary.text()}.", icon=":material/task_alt:")
    failed = [o for o in summary.outcomes if o.outcome == "failed" or o.judge_error]
    if failed:
        rows = [{"conversation": o.conversation_id, "error": o.error or f"judge: {o.judge_error}"} for o in failed]
        st.dataframe(rows, hide_index=True, key="enrich_summary_failures")


def show_timeline(views: list[StageView]) -> None:
    cols = st.columns(len(views))
    for col, view in zip(cols, views, strict=True):
        col.markdown(f"{STAGE_ICONS[view.status]} **{view.label}**")
        col.caption(view.status.replace("_", " ") + (f" · {view.at:%Y-%m-%d %H:%M}" if view.at else ""))
        if view.detail:
            col.caption(view.detail)


def show_report(report: dict[str, Any] | None) -> None:
    if not report:
        st.caption("Not validated yet.")
        return
    st.write(report.get("summary", ""))
    for group, kind in (("blockers", st.error), ("warnings", st.warning)):
        issues = report.get(group) or []
        if issues:
            kind(f"{len(issues)} {group[:-1] if len(issues) == 1 else group}")
            rows = [{"field": i["field"], "code": i["code"], "message": i["message"]} for i in issues]
            st.dataframe(rows, hide_index=True, key=f"enrich_report_{group}")


def show_quality(row: Conversation) -> None:
    if row.quality_score is None:
        st.caption("No quality score yet (it is measured during enrichment).")
        return
    details = row.quality_details or {}
    rules = details.get("rules") or {}
    cols = st.columns(3)
    cols[0].metric("Quality (1–5)", row.quality_score)
    cols[1].metric("Rule score", rules.get("score", "–"))
    judge = details.get("judge")
    cols[2].metric("Judge mean", round(sum(judge[k] for k in JUDGE_KEYS) / len(JUDGE_KEYS), 1) if judge else "–")
    if rules.get("components"):
        st.caption("Rule components (0–10): " + ", ".join(f"{k} {v}" for k, v in rules["components"].items()))
    if judge:
        st.dataframe(judge.get("arc_adherence_per_turn") or [], hide_index=True, key="enrich_arc_per_turn")
    if details.get("judge_error"):
        st.caption(f"Judge not applied: {details['judge_error']}")


JUDGE_KEYS = ("empathy", "clarity", "appropriateness", "expert_voice_alignment", "arc_adherence")
