"""Widget groups of the Scaffolding page: delete with undo, and bulk import/export with a report per row."""

from __future__ import annotations

from typing import Any, cast

import streamlit as st

from core.scaffolding.service import KIND_INFO, Deleted, Kind, ScaffoldingService
from core.scaffolding.transfer import Format, apply_import, check_import, export_csv, export_json
from pages._ui import friendly_errors, run_action

UNDO = "scaffolding_undo"


def delete_button(scaffolding: ScaffoldingService, kind: Kind, record: Any, column: Any) -> None:
    """Delete (soft); the page then offers to undo it."""
    if column.button("Delete", key=f"delete_{kind}", icon=":material/delete:"):
        deleted = run_action("Deleting…", lambda: scaffolding.delete(kind, record.key))
        if deleted is not None:
            st.session_state[UNDO] = deleted
            st.session_state[f"pick_{kind}_next"] = ""
            st.rerun()


def undo_banner(scaffolding: ScaffoldingService) -> None:
    """After a delete: what was deleted, and a button that brings it back."""
    deleted = cast(Deleted | None, st.session_state.get(UNDO))
    if deleted is None:
        return
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info(f"Deleted {KIND_INFO[deleted.kind].label} “{deleted.name}”.", icon=":material/delete:")
    if right.button("Undo", key="scaffolding_undo_button", icon=":material/undo:", type="primary"):
        with friendly_errors():
            scaffolding.undo_delete(deleted)
            del st.session_state[UNDO]
            st.session_state["scaffolding_notice"] = f"“{deleted.name}” is back."
            st.session_state[f"pick_{deleted.kind}_next"] = deleted.id
            st.rerun()


def transfer_section(scaffolding: ScaffoldingService) -> None:
    """Export everything (JSON, CSV); import a file: check every row first, then save the good ones."""
    left, right = st.columns(2)
    left.download_button(
        "Export all as JSON",
        export_json(scaffolding),
        file_name="scaffolding.json",
        mime="application/json",
        key="scaffolding_export_json",
        icon=":material/download:",
    )
    right.download_button(
        "Export all as CSV (spreadsheet)",
        export_csv(scaffolding),
        file_name="scaffolding.csv",
        mime="text/csv",
        key="scaffolding_export_csv",
        icon=":material/download:",
    )
    st.caption(
        "To add many at once, export, edit the file (in a spreadsheet for CSV: one row per item, lists one item "
        "per line in a cell), and import it here. Rows with the same key or name update what is there."
    )
    nonce = st.session_state.get("scaffolding_import_nonce", 0)  # a fresh uploader after each import
    upload = st.file_uploader("Import a scaffolding file", type=["json", "csv"], key=f"scaffolding_import_{nonce}")
    if upload is None:
        return
    fmt = cast(Format, "csv" if upload.name.lower().endswith(".csv") else "json")
    report = run_action("Checking every row…", lambda: check_import(scaffolding, upload.getvalue(), fmt))
    if report is None:
        return
    good = [r for r in report if r.ok]
    st.dataframe(
        [
            {
                "Row": r.row,
                "Kind": KIND_INFO[r.kind].label,
                "Name": r.name,
                "Result": {"add": "Will be added", "update": "Will update", "skip": "Not imported"}[r.action],
                "Problems": " ".join([*r.problems, *r.warnings]),
            }
            for r in report
        ],
        hide_index=True,
        key="scaffolding_import_report",
    )
    if len(good) < len(report):
        st.warning(
            f"{len(report) - len(good)} row(s) have problems and will not be imported. Fix them and import again."
        )
    if good and st.button(f"Import {len(good)} row(s)", key="scaffolding_import_apply", type="primary"):
        counts = run_action("Importing…", lambda: apply_import(scaffolding, report))
        if counts is not None:
            st.session_state["scaffolding_import_nonce"] = nonce + 1
            st.session_state["scaffolding_notice"] = (
                f"Imported: {counts['added']} added, {counts['updated']} updated, {counts['skipped']} not imported."
            )
            st.rerun()
