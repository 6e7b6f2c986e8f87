"""Widget groups of the Enrich page: running with a progress bar, the stage timeline, the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.dates import moment
from core.enrichment import EnrichmentOutcome, EnrichmentSummary, StageView
from core.errors import BrightRunError
from core.models.conversation import Conversation, ConversationHeading
from core.models.status_labels import status_text
from core.models.statuses import Outcome, Stage
from core.names import Names
from pages._ui import show_error, unique_labels

STAGE_ICONS = {
    Stage.PENDING: ":material/radio_button_unchecked:",
    Stage.IN_PROGRESS: ":material/progress_activity:",
    Stage.COMPLETED: ":material/check_circle:",
    Stage.FAILED: ":material/cancel:",
}
Runner = Callable[..., EnrichmentSummary]


def labels(rows: list[ConversationHeading], names: Names) -> dict[str, str]:
    """Each conversation by name and enrichment status (distinct, for select boxes)."""
    return unique_labels(
        {r.conversation_id: f"{names.conversation(r)} · {status_text('enrichment', r.enrichment_status)}" for r in rows}
    )


def run_with_progress(run: Runner, *args: Any, judge: bool) -> None:
    """Run ``run(*args, judge=..., progress=...)`` behind a progress bar; keep the summary for the rerun."""
    bar = st.progress(0.0, text="Starting…")

    def advance(done: int, total: int, outcome: EnrichmentOutcome) -> None:
        word = {Outcome.SUCCEEDED: "enriched", Outcome.SKIPPED: "already enriched", Outcome.FAILED: "failed"}.get(
            outcome.outcome, ""
        )
        bar.progress(done / total, text=f"{done} of {total} · the last one {word}")

    try:
        summary = run(*args, judge=judge, progress=advance)
    except BrightRunError as err:
        show_error(err)
        return
    st.session_state["enrich_last_summary"] = summary
    st.rerun()


def show_summary(summary: EnrichmentSummary, names: dict[str, str]) -> None:
    """What the last run did; ``names``: conversation id → the name people read."""
    show = st.warning if summary.failed else st.success
    show(f"Enrichment finished: {summary.text()}.", icon=":material/task_alt:")
    failed = [o for o in summary.outcomes if o.outcome == Outcome.FAILED or o.judge_error]
    if failed:
        rows = [
            {
                "Conversation": names.get(o.conversation_id, "A conversation that no longer exists"),
                "What went wrong": o.error or f"The quality judge: {o.judge_error}",
            }
            for o in failed
        ]
        st.dataframe(rows, hide_index=True, key="enrich_summary_failures")


def show_timeline(views: list[StageView]) -> None:
    cols = st.columns(len(views))
    for col, view in zip(cols, views, strict=True):
        col.markdown(f"{STAGE_ICONS[view.status]} **{view.label}**")
        col.caption(status_text("stage", view.status) + (f" · {moment(view.at)}" if view.at else ""))
        if view.detail:
            col.caption(view.detail)


def show_report(report: dict[str, Any] | None) -> None:
    if not report:
        st.caption("Not validated yet.")
        return
    st.write(report.get("summary", ""))
    groups = (("blockers", "must be fixed", st.error), ("warnings", "worth a look", st.warning))
    for group, meaning, kind in groups:
        issues = report.get(group) or []
        if issues:
            kind(f"{len(issues)} problem(s) that {meaning}:\n\n" + "\n".join(f"- {i['message']}" for i in issues))
    found = [(group, i) for group, _m, _k in groups for i in report.get(group) or []]
    if found:
        with st.expander("Advanced: where each problem is"):
            rows = [{"kind": g[:-1], "field": i["field"], "code": i["code"]} for g, i in found]
            st.dataframe(rows, hide_index=True, key="enrich_report_fields")


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
    cols[2].metric(
        "Claude judge (mean)", round(sum(judge[k] for k in JUDGE_KEYS) / len(JUDGE_KEYS), 1) if judge else "not run"
    )
    if rules.get("components"):
        parts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in rules["components"].items())
        st.caption(f"What the rule score measured (each 0–10): {parts}")
    if judge:
        st.dataframe(judge.get("arc_adherence_per_turn") or [], hide_index=True, key="enrich_arc_per_turn")
    if details.get("judge_error"):
        st.caption(f"The judge could not score it: {details['judge_error']}")


JUDGE_KEYS = ("empathy", "clarity", "appropriateness", "expert_voice_alignment", "arc_adherence")
