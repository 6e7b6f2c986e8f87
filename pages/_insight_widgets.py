"""Widget groups of the Export page's pictures: what the dataset covers, how it is spread, what it cost."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.costs import CostReport
from core.dates import day
from core.export.insight import HeatCell, Insight, plan_for
from core.review.agreement import Agreement
from pages._charts import (
    category_chart,
    category_height,
    heatmap_chart,
    heatmap_height,
    histogram_chart,
    picked_squares,
    spend_chart,
)
from pages._ui import page_link

GROUPS = {"model": "Model", "job": "Batch job", "template": "Prompt", "purpose": "Purpose"}


def _plan(cells: list[HeatCell], what: str) -> None:
    planned = plan_for(cells)
    st.session_state["planned_batch"] = planned
    st.session_state["export_planned_message"] = f"Planned {len(planned)} conversations for {what}."


def coverage_section(insight: Insight) -> None:
    st.markdown("#### What the dataset covers")
    st.caption(
        "Each square is a persona meeting an emotional arc: the colour counts approved conversations, the label "
        "approved / written. Click squares to plan a batch for their missing topics."
    )
    event = st.altair_chart(
        heatmap_chart(insight.heatmap),
        on_select="rerun",
        key="export_heatmap",
        width="stretch",
        height=heatmap_height(insight.heatmap),
    )
    picked = set(picked_squares(event))
    chosen = [c for c in insight.heatmap if (c.persona_key, c.arc_key) in picked]
    all_gaps = [c for c in insight.heatmap if c.gaps]
    gap_count = sum(len(c.gaps) for c in all_gaps)
    cols = st.columns([3, 3, 4])
    if chosen:
        count = sum(len(c.gaps) for c in chosen)
        names = ", ".join(f"{c.persona} × {c.arc}" for c in chosen[:3]) + ("…" if len(chosen) > 3 else "")
        if cols[0].button(
            f"Plan a batch for the {count} gaps picked", key="export_plan_picked", disabled=not count, type="primary"
        ):
            _plan(chosen, names)
    if gap_count and cols[1].button(f"Plan a batch for all {gap_count} gaps", key="export_plan_gaps"):
        _plan(all_gaps, "every gap")
    st.caption(
        f"{gap_count} suited persona × arc × topic combinations have no approved conversation yet"
        + (f"; picked: {', '.join(f'{c.persona} × {c.arc}' for c in chosen)}." if chosen else ".")
    )
    if message := st.session_state.pop("export_planned_message", None):
        st.success(message, icon=":material/event_note:")
    if st.session_state.get("planned_batch"):
        planned = st.session_state["planned_batch"]
        label = f"Open Batch jobs to create the job ({len(planned)} planned)"
        page_link("pages/jobs.py", label=label, icon=":material/dynamic_feed:")


def distributions_section(insight: Insight) -> None:
    st.markdown("#### How the conversations are spread")
    charts = [h for h in insight.histograms.values() if h.bins]
    for start in range(0, len(charts), 2):
        cols = st.columns(2)
        for col, histogram in zip(cols, charts[start : start + 2], strict=False):
            with col:
                st.markdown(f"**{histogram.title}**")
                st.altair_chart(histogram_chart(histogram), width="stretch", height=260)
                if histogram.missing:
                    st.caption(f"{histogram.missing} conversation(s) without a value are not counted.")
    cols = st.columns(2)
    for col, (title, found) in zip(cols, insight.emotions.items(), strict=False):
        with col:
            st.markdown(f"**{title}**")
            st.altair_chart(category_chart(found), width="stretch", height=category_height(found))


def duplicates_section(insight: Insight) -> None:
    st.markdown("#### Conversations that say nearly the same thing")
    if not insight.near_duplicates:
        st.caption(
            f"None of the {insight.conversations} conversations repeats another (compared on three-word phrases)."
        )
    for index, pair in enumerate(insight.near_duplicates):
        with st.container(border=True):
            st.markdown(f"**{round(pair.similarity * 100)}% alike**")
            left, right = st.columns(2)
            for col, name, turn, passage in (
                (left, pair.left_name, pair.left_turn, pair.left_passage),
                (right, pair.right_name, pair.right_turn, pair.right_passage),
            ):
                col.markdown(f"**{name}**")
                if passage:
                    col.caption(f"Turn {turn}")
                    col.markdown(f"> {passage}")
        if index >= 19:
            st.caption(f"Showing the 20 closest of {len(insight.near_duplicates)} pairs.")
            break
    if insight.repeated_openings:
        st.markdown("**Conversations that open with the same words**")
        for group in insight.repeated_openings:
            st.write(" · ".join(group))


def agreement_section(agreement: Agreement, *, names_note: str) -> None:
    st.markdown("#### How alike the reviewers rate")
    st.caption(agreement.summary())
    st.caption(names_note)
    if agreement.pairs:
        st.dataframe(
            [
                {
                    "Reviewers": f"{p.first} and {p.second}",
                    "Turns both rated": p.shared_turns,
                    "Rated alike": p.alike,
                    "Agreement beyond chance": None if p.kappa is None else round(p.kappa, 2),
                }
                for p in agreement.pairs
            ],
            hide_index=True,
        )


def costs_section(report: CostReport) -> None:
    demo = report.demo
    if not report.calls and demo is None:
        st.info("Nothing has been spent yet: costs appear here once Claude writes or judges a conversation.")
        return
    if report.calls:
        _spend(report, "Spent so far", key="export_cost")
    else:
        st.metric("Spent so far", "$0.00")
        st.caption("Nothing real has been spent yet: costs appear here once Claude writes or judges a conversation.")
    if demo is not None:
        st.markdown("#### Demo data")
        st.caption(
            "What the demo's conversations would have cost had Claude written them here. Shown apart: it is never"
            " added to what you spent, nor to any budget."
        )
        _spend(demo, "Demo data (not spent)", key="export_demo_cost")


def _spend(report: CostReport, label: str, *, key: str) -> None:
    cols = st.columns(3)
    cols[0].metric(label, f"${report.total_usd:,.2f}")
    cols[1].metric("Model calls", f"{report.calls:,}")
    days = f"{day(report.first_day)} – {day(report.last_day)}" if report.first_day and report.last_day else "–"
    cols[2].metric("Period", days)
    group = st.segmented_control(
        "Spend over time by", list(GROUPS), format_func=GROUPS.__getitem__, default="job", key=f"{key}_group"
    )
    group = group or "job"
    st.altair_chart(spend_chart(report.over_time[group], title=GROUPS[group]), width="stretch", height=380)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**By {GROUPS[group].lower()}**")
        totals = [{GROUPS[group]: t.name, "Calls": t.calls, "Spend": t.cost_usd} for t in report.totals[group]]
        _cost_table(totals, key=f"{key}_totals")
        st.markdown("**Training files**")
        rows = [
            {"Training file": f.name, "Conversations": f.conversations, "Spend": f.cost_usd}
            for f in report.training_files
        ]
        if rows:
            _cost_table(rows, key=f"{key}_files")
        else:
            st.caption("No training files yet.")
    with right:
        st.markdown("**Each conversation**")
        rows = [{"Conversation": c.name, "Calls": c.calls, "Spend": c.cost_usd} for c in report.conversations]
        _cost_table(rows, key=f"{key}_conversations")


def _cost_table(rows: list[dict[str, object]], *, key: str) -> None:
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        key=key,
        # A long name is cut in its own column (the full name on hover) so the spend always stays in view.
        column_config={
            "Spend": st.column_config.NumberColumn(format="$%.4f", width="small"),
            "Calls": st.column_config.NumberColumn(width="small"),
            "Conversation": st.column_config.TextColumn(width="medium"),
            "Training file": st.column_config.TextColumn(width="medium"),
        },
    )
