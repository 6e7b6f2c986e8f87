"""Widget groups of the Export page: the validation report, downloads, training files."""

from __future__ import annotations

from functools import partial
from typing import Literal

import pandas as pd
import streamlit as st

from core.bootstrap import Services
from core.export.downloads import Download
from core.export.validate import ValidationReport
from pages._ui import run_action


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
            data=file.read,  # read from disk only when clicked; the page never holds the file
            file_name=file.file_name,
            mime=file.mime,
            disabled=not allowed,
            key=f"{key}_download_{index}",
        )


def training_files_section(svc: Services, costs: dict[str, float]) -> None:
    """The files with their downloads, and the form that builds a new one. ``costs``: name → cost to write."""
    service = svc.training_files
    files = service.list_files()
    if files:
        table = [
            {
                "Name": f.name,
                "Conversations": f.conversation_count,
                "Training pairs": f.total_training_pairs,
                "Average quality (1–5)": f.avg_quality_score,
                "Cost to write": costs.get(f.name),
                "Last updated": f.last_updated_at,
            }
            for f in files
        ]
        st.dataframe(
            pd.DataFrame(table),
            hide_index=True,
            key="export_tf_table",
            column_config={
                "Cost to write": st.column_config.NumberColumn(
                    format="$%.2f", help="What writing its conversations cost"
                ),
                "Last updated": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
            },
        )
        # A new widget after each create, so the file just built is the one offered (newest first).
        version = st.session_state.get("export_tf_version", 0)
        chosen = st.selectbox("Training file", [f.name for f in files], key=f"export_tf_pick_{version}")
        cols = st.columns(3)
        kinds: tuple[Literal["json", "jsonl"], ...] = ("json", "jsonl")
        for col, kind in zip(cols[:2], kinds, strict=True):
            col.download_button(
                f"Download training.{kind}",
                data=partial(service.read, chosen, kind),  # read only when clicked
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
                st.session_state["export_tf_version"] = st.session_state.get("export_tf_version", 0) + 1
                st.session_state["export_tf_created"] = (
                    f"Created '{row.name}': {row.conversation_count} conversations, {row.total_training_pairs} pairs."
                )
                st.rerun()
    if created := st.session_state.pop("export_tf_created", None):
        st.success(created)
