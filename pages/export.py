"""Export: download for a trainer (validated first), training files, and what the dataset covers."""

from __future__ import annotations

import streamlit as st

from core.bootstrap import Services
from core.export import FORMATS
from core.export.downloads import discard_download_folder, download_folder
from core.export.insight import Insight, dataset_insight, insight_version
from core.export.selection import Selection
from core.models.status_labels import status_text
from core.models.statuses import REVIEW_STATUSES
from core.review.agreement import names_note
from pages._export_widgets import download_buttons, show_report, training_files_section
from pages._insight_widgets import (
    agreement_section,
    costs_section,
    coverage_section,
    distributions_section,
    duplicates_section,
)
from pages._ui import empty_state, friendly_errors, run_action, services, signed_in_user


@st.cache_data(show_spinner=False, max_entries=8)
def _insight(version: tuple[tuple[int, str], ...], user: str | None, _svc: Services) -> Insight:
    """The dataset insight, computed again only when the data changed (``version``) or for another person."""
    return dataset_insight(_svc.scaffolding, _svc.conversations)


FORMAT_LABELS = {
    "openai": "OpenAI chat JSONL (messages)",
    "sharegpt": "ShareGPT JSONL (axolotl)",
    "hf": "Hugging Face dataset (parquet + card, zip)",
    "kto": "KTO JSONL (approve/reject as label)",
    "dpo": "DPO preference pairs JSONL (blind A/B picks, regenerated conversations)",
    "brightrun-v4": "brightrun-lora-v4 (JSON + JSONL)",
}

STATUS_CHOICES = {
    "default": "Approved (KTO: approved and rejected)",
    "all": "Every enriched conversation",
    **{status: f"Only: {status_text('review', status)}" for status in REVIEW_STATUSES},
}

st.title("Export")
st.caption(
    "Training files and every format trainers load, what the dataset covers, and what it cost. "
    "Each export is checked before it is offered."
)

svc = services()
exports = svc.exports
ready = exports.count(Selection(statuses=None))
if ready == 0:
    empty_state(
        "No conversation has completed enrichment yet: only enriched conversations have training pairs.",
        page="pages/enrich.py",
        label="Go to Enrich",
    )

costs = run_action("Adding up the costs…", svc.cost_report)
files_tab, download_tab, insight_tab, costs_tab = st.tabs(
    ["Training files", "Download for a trainer", "What the dataset covers", "Costs"]
)

with download_tab:
    cols = st.columns(2)
    fmt = cols[0].selectbox(
        "Format", FORMATS[1:] + FORMATS[:1], format_func=FORMAT_LABELS.__getitem__, key="export_format"
    )
    status = cols[1].selectbox(
        "Conversations",
        list(STATUS_CHOICES),
        format_func=STATUS_CHOICES.__getitem__,
        key="export_status",
        help="Only enriched conversations are exported.",
    )
    cols = st.columns(2)
    per_turn = cols[0].toggle(
        "One example per assistant reply",
        key="export_per_turn",
        disabled=fmt == "brightrun-v4",
        help="Earlier turns become context; otherwise one example per conversation.",
    )
    split = cols[1].number_input(
        "Share kept aside to check the training (0–0.5)",
        0.0,
        0.5,
        0.0,
        0.05,
        key="export_split",
        disabled=fmt == "brightrun-v4",
        help="A validation set: the trainer measures progress on conversations it does not learn from.",
    )
    with st.expander("Advanced"):
        seed = st.number_input(
            "Split seed", 0, 2**31 - 1, 42, key="export_seed", help="The same seed gives the same split."
        )
    if fmt == "dpo":
        st.caption(
            "Preference pairs: every blind A/B pick that chose an answer, and every regenerated conversation "
            "approved while the attempt it replaced was archived or rejected."
        )
    else:
        with friendly_errors():
            selection = exports.selection(fmt, None if status == "default" else status)
            st.caption(f"{exports.count(selection)} conversation(s) match.")
    if st.button("Export and validate", key="export_run", type="primary"):
        if earlier := st.session_state.pop("export_outcome", None):
            discard_download_folder(earlier[3])  # its buttons go away with this export
        folder = download_folder(svc.settings.data_dir)
        outcome = run_action(
            "Exporting and validating…",
            lambda: exports.export_for_download(
                fmt,
                folder,
                status=None if status == "default" else status,
                per_turn=per_turn,
                split=split or None,
                seed=int(seed),
            ),
        )
        if outcome is None:
            discard_download_folder(folder)
        else:  # paths and the report only: the files stay on disk
            st.session_state["export_outcome"] = (*outcome, folder)
    outcome = st.session_state.get("export_outcome")
    if outcome is not None:
        result, report, files, _ = outcome
        st.write(result.description())
        show_report(report)
        download_buttons(files, report, key="export_files")

with files_tab:
    training_files_section(svc, {f.name: f.cost_usd for f in costs.training_files} if costs else {})

with insight_tab:
    user = signed_in_user()
    insight = run_action(
        "Reading the dataset…",
        lambda: _insight(insight_version(svc.scaffolding, svc.conversations), user.id if user else None, svc),
    )
    if insight is not None:
        coverage_section(insight)
        distributions_section(insight)
        duplicates_section(insight)
        agreement_section(svc.review.agreement(), names_note=names_note(signed_in=svc.settings.backend == "supabase"))

with costs_tab:
    if costs is not None:
        costs_section(costs)
