"""Failed generations: why a model answer could not be used, in plain words, filterable, with its report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.dates import moment
from core.failure_words import FAILURE_WORDS, STOP_WORDS, failure_words, stop_words
from core.review.failures import FailureFilters
from pages._ui import empty_state, friendly_errors, services, unique_labels

PAGE_SIZE = 25

svc = services()
browser = svc.failures
st.title("Failed generations")
st.caption("Answers from Claude that could not become a conversation, and why. Nothing here reaches training.")
if browser.count() == 0:
    empty_state("No failed generations: every answer from Claude so far could be used.")

options = browser.filter_options()
jobs = {job.id: job.name for job in svc.batch.list(limit=1000)}
cols = st.columns(3)
filters = FailureFilters(
    failure_type=cols[0].multiselect("What happened", list(FAILURE_WORDS), format_func=failure_words, key="fg_type"),
    stop_reason=cols[1].multiselect(
        "Why Claude stopped",
        sorted({*STOP_WORDS, *options["stop_reason"]}),
        format_func=stop_words,
        key="fg_stop",
    ),
    job_id=cols[2].multiselect(
        "Batch job", options["job_id"], format_func=lambda j: jobs.get(j, "A deleted job"), key="fg_job"
    ),
)
with st.expander("Advanced"):
    filters.truncation_pattern = st.multiselect(
        "Truncation pattern (how the cut was detected)", options["truncation_pattern"], key="fg_pattern"
    )
page_number = st.number_input("Page", min_value=1, value=1, step=1, key="fg_page")
page = browser.page(filters, page=int(page_number), page_size=PAGE_SIZE)
st.caption(f"{page.total} failed generation(s) match.")
if not page.rows:
    st.info("Nothing on this page: change the filters or go back to page 1.")
    st.stop()

frame = pd.DataFrame(
    [
        {
            "When": r.created_at,
            "What happened": failure_words(r.failure_type),
            "Why Claude stopped": stop_words(r.stop_reason),
            "Batch job": jobs.get(r.job_id, "A deleted job") if r.job_id else "Generate page",
            "Tokens written": r.output_tokens,
            "Details": r.error_message or "",
        }
        for r in page.rows
    ]
)
st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    key="fg_table",
    column_config={"When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
)

labels = unique_labels(
    {r.id: f"{moment(r.created_at)} · {failure_words(r.failure_type)} · {stop_words(r.stop_reason)}" for r in page.rows}
)
picked = st.selectbox("Look at one", list(labels), format_func=labels.__getitem__, key="fg_pick")
with friendly_errors():
    failure = browser.get(picked)
    left, right = st.columns([3, 1])
    allowed = f" of the {failure.max_tokens:,} allowed" if failure.max_tokens else ""
    left.markdown(
        f"**{failure_words(failure.failure_type)}.** Claude wrote {failure.output_tokens:,} tokens{allowed} "
        f"and stopped: {stop_words(failure.stop_reason).lower()}."
    )
    if failure.failure_type == "truncation" and failure.stop_reason == "max_tokens":
        left.info(
            "The reply needed more room than the limit allowed. Raise the reply-length limit on Settings or "
            "on the batch job, or ask for fewer turns; then generate it again.",
            icon=":material/lightbulb:",
        )
    if failure.error_message:
        left.caption(failure.error_message)
    name, data = browser.report(picked)
    right.download_button("Download the full report", data, file_name=name, mime="application/json", key="fg_download")
    with st.expander("What Claude wrote"):
        st.code(failure.response_content or "(nothing)", language="json", wrap_lines=True)
    with st.expander("Advanced: the prompt, model and detection details"):
        st.caption(f"Model {failure.model} · pattern {failure.truncation_pattern or '—'}")
        if failure.truncation_details:
            st.caption(failure.truncation_details)
        st.code(failure.prompt or "(empty)", language="markdown", wrap_lines=True)
