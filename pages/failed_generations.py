"""Failed generations: why a model answer could not be used, filterable, with its report JSON."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.models.logs import FailureType
from core.review.failures import FailureFilters
from pages._ui import empty_state, friendly_errors, services

FAILURE_TYPES: tuple[FailureType, ...] = ("truncation", "parse_error", "api_error", "validation_error")
STOP_REASONS = ("end_turn", "max_tokens", "stop_sequence", "tool_use")
PAGE_SIZE = 25

svc = services()
st.title("Failed generations")
if svc.failures.count() == 0:
    empty_state("No failed generations: every model answer so far could be used.")

options = svc.failures.filter_options()
cols = st.columns(4)
filters = FailureFilters(
    failure_type=cols[0].multiselect("Failure type", FAILURE_TYPES, key="fg_type"),
    stop_reason=cols[1].multiselect("Stop reason", sorted({*STOP_REASONS, *options["stop_reason"]}), key="fg_stop"),
    truncation_pattern=cols[2].multiselect("Pattern", options["truncation_pattern"], key="fg_pattern"),
    job_id=cols[3].multiselect("Job", options["job_id"], key="fg_job"),
)
page_number = st.number_input("Page", min_value=1, value=1, step=1, key="fg_page")
page = svc.failures.page(filters, page=int(page_number), page_size=PAGE_SIZE)
st.caption(f"{page.total} failed generation(s) match.")
if not page.rows:
    st.info("Nothing on this page: change the filters or go back to page 1.")
    st.stop()

frame = pd.DataFrame([r.model_dump() for r in page.rows])
st.dataframe(frame, hide_index=True, width="stretch", key="fg_table")

labels = {
    r.id: f"{r.created_at:%Y-%m-%d %H:%M} · {r.failure_type} · {r.error_message or r.stop_reason or ''}"[:120]
    for r in page.rows
}
picked = st.selectbox("Failure", list(labels), format_func=labels.get, key="fg_pick")
with friendly_errors():
    failure = svc.failures.get(picked)
    left, right = st.columns(2)
    left.markdown(
        f"**Model** {failure.model} · **max tokens** {failure.max_tokens} · "
        f"**tokens out** {failure.output_tokens} · **stop** {failure.stop_reason or '-'}"
    )
    if failure.truncation_details:
        left.caption(failure.truncation_details)
    if failure.error_message:
        left.error(failure.error_message)
    name, data = svc.failures.report(picked)
    right.download_button("Download report JSON", data, file_name=name, mime="application/json", key="fg_download")
    with st.expander("Response text"):
        st.code(failure.response_content or "(empty)", language="json")
    with st.expander("Prompt"):
        st.code(failure.prompt or "(empty)", language="markdown")
