"""Widget groups of the Export page: the validation report, downloads, training files, dataset insight."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from core.bootstrap import Services
from core.export.insight import Insight, batch_commands, coverage_rows, gap_triples
from core.export.service import Download
from core.export.validate import ValidationReport
from pages._ui import run_action

JOBS_PAGE = Path(__file__).resolve().parent / "jobs.py"


def show_report(report: ValidationReport) -> None:
    """The validation report, always shown before a download is offered."""
    if report.ok:
        st.success(
            f"Validation passed: {report.examples} examples; {', '.join(report.checks)}.", icon=":material/verified:"
        )
    else:
        st.error(
            f"Validation FAILED with {report.error_count} error(s); a trainer would reject this file.",
            icon=":material/error:",
        )
        st.code("\n".join(report.errors), language=None)
    for warning in report.warnings:
        st.warning(warning, icon=":material/warning:")
    for skipped in report.skipped:
        st.info(f"Not checked: {skipped}", icon=":material/info:")


def download_buttons(files: list[Download], report: ValidationReport, key: str) -> None:
    """Offer the files; a failing file only after the person says they want it anyway."""
    allowed = report.ok or st.checkbox(
        "Download anyway: I know this file fails validation", key=f"{key}_override", value=False
    )
    for index, file in enumerate(files):
        st.download_button(
            f"Download {file.file_name}",
            data=file.data,
            file_name=file.file_name,
            mime=file.mime,
            disabled=not allowed,
            key=f"{key}_download_{index}",
        )


def training_files_section(svc: Services) -> None:
    service = svc.training_files
    files = service.list_files()
    if files:
        table = [
            {
                "name": f.name,
                "conversations": f.conversation_count,
                "pairs": f.total_training_pairs,
                "avg quality": f.avg_quality_score,
                "updated": f.last_updated_at,
            }
            for f in files
        ]
        st.dataframe(pd.DataFrame(table), hide_index=True, key="export_tf_table")
        chosen = st.selectbox("Training file", [f.name for f in files], key="export_tf_pick")
        cols = st.columns(3)
        for col, kind in zip(cols[:2], ("json", "jsonl"), strict=True):
            col.download_button(
                f"Download training.{kind}",
                data=service.read(chosen, kind),
                file_name=f"{chosen}.{kind}",
                key=f"export_tf_download_{kind}",
            )
        if cols[2].button("Archive", key="export_tf_archive") and run_action(
            "Archiving…", lambda: service.archive(chosen)
        ):
            st.rerun()
    else:
        st.caption("No training files yet.")
    with st.form("export_tf_create"):
        st.markdown("**New training file** from every approved conversation with enrichment completed")
        name = st.text_input("Name", key="export_tf_name")
        description = st.text_input("Description (optional)", key="export_tf_description")
        if st.form_submit_button("Create", type="primary"):
            row = run_action(
                "Building the training file…", lambda: service.create(name, description=description or None)
            )
            if row is not None:  # rerun so the list above shows the new file with its downloads
                st.session_state["export_tf_created"] = (
                    f"Created '{row.name}': {row.conversation_count} conversations, {row.total_training_pairs} pairs."
                )
                st.rerun()
    if created := st.session_state.pop("export_tf_created", None):
        st.success(created)


def _highlight_gap(value: object) -> str:
    return "background-color: #fde2e1" if isinstance(value, str) and value.endswith("!") else ""


def insight_section(insight: Insight) -> None:
    st.markdown(f"**Coverage** persona × arc × topic (approved/generated) over {insight.conversations} conversations")
    frame = pd.DataFrame(coverage_rows(insight.coverage))
    if not frame.empty:
        st.dataframe(frame.style.map(_highlight_gap), hide_index=True, key="export_coverage")
    gaps = gap_triples(insight.coverage)
    st.caption(f"{len(gaps)} suited combinations have no approved conversation (marked !).")
    if gaps and st.button(f"Plan a batch for the {len(gaps)} gaps", key="export_plan_gaps"):
        st.session_state["planned_batch"] = [{"persona_key": p, "arc_key": a, "topic_key": t} for p, a, t in gaps]
    if st.session_state.get("planned_batch"):
        planned = st.session_state["planned_batch"]
        if JOBS_PAGE.is_file():
            st.page_link(
                "pages/jobs.py", label=f"Open Batch jobs with {len(planned)} planned", icon=":material/dynamic_feed:"
            )
        else:
            commands = batch_commands([(g["persona_key"], g["arc_key"], g["topic_key"]) for g in planned])
            st.info(f"The plan ({len(planned)} combinations) is kept in this session. From a terminal:")
            st.code("\n".join(commands), language="bash")
    cols = st.columns(3)
    for index, (name, counts) in enumerate(insight.distributions.items()):
        with cols[index % 3]:
            st.markdown(f"**{name.replace('_', ' ').capitalize()}**")
            st.bar_chart(pd.Series(counts, name="conversations"), height=180)
    st.markdown("**Near-duplicate conversations** (MinHash, word 3-grams)")
    if insight.near_duplicates:
        frame = pd.DataFrame(insight.near_duplicates, columns=["conversation", "similar to", "similarity"])
        st.dataframe(frame, hide_index=True, key="export_duplicates")
    else:
        st.caption("None found.")
    st.markdown("**Repeated openings** (same first eight words)")
    for group in insight.repeated_openings:
        st.write(", ".join(group))
    if not insight.repeated_openings:
        st.caption("None found.")
