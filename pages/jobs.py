"""Batch jobs: create a batch from clients × journeys × topics with an estimate first, then watch it.

Work is done by worker processes, not by this page: closing the tab stops nothing. A batch starts only
with a working Claude key (the pre-flight check, ``core.claude_key.preflight``).
"""

from __future__ import annotations

import streamlit as st

from core.batch.service import BatchRequest
from core.dates import moment
from core.models.statuses import RUNNABLE
from pages._jobs_widgets import job_view, key_ready, new_batch_form, show_estimate, status_words
from pages._ui import empty_state, run_action, services

svc = services()
st.title("Batch jobs")
st.caption("Write many conversations at once. The work goes on when you close this tab.")
CREATED = "Job created: {n} conversations. Click “Run in background” below to start it."

if not svc.scaffolding.list("personas", active_only=True):
    empty_state(
        "Batches need scaffolding: clients, emotional journeys and topics.",
        page="pages/scaffolding.py",
        label="Go to Scaffolding",
    )
if not svc.settings.has_claude_key:
    st.info("Batches need a Claude key. You can plan and see the cost now; add the key in Settings to run.")

if planned := st.session_state.get("planned_batch"):
    # Coverage gaps planned on the Export page: exactly these combinations, not their full product.
    plan = BatchRequest(combinations=[(g["persona_key"], g["arc_key"], g["topic_key"]) for g in planned])
    st.info(f"{len(planned)} combinations planned on the Export page (coverage gaps).")
    if show_estimate(svc, plan):
        left, right = st.columns(2)
        if left.button("Create a job for the plan", key="jobs_create_planned", type="primary") and key_ready(svc):
            job = run_action("Creating the job…", lambda: svc.batch.create(plan))
            if job is not None:
                st.session_state["jobs_pick"] = job.id
                del st.session_state["planned_batch"]
                st.success(CREATED.format(n=job.total_items))
        if right.button("Discard the plan", key="jobs_discard_planned"):
            del st.session_state["planned_batch"]
            st.rerun()

if st.session_state.pop("jobs_reset", False):  # after Create: an empty form, so a second click adds nothing
    for key in ("jobs_personas", "jobs_arcs", "jobs_topics", "jobs_name"):
        st.session_state.pop(key, None)
if created := st.session_state.pop("jobs_created", None):
    st.success(created, icon=":material/task_alt:")

with st.expander("New batch", expanded=not any(j.status in RUNNABLE for j in svc.batch.list(limit=20))):
    request = new_batch_form(svc)
    if request is not None and show_estimate(svc, request):
        name = st.text_input("Name (optional)", key="jobs_name", help="To find the job again; a name is made if empty.")
        if st.button("Create job", key="jobs_create", type="primary") and key_ready(svc):
            named = request.model_copy(update={"name": name or None})
            job = run_action("Creating the job…", lambda: svc.batch.create(named))
            if job is not None:
                st.session_state["jobs_pick"] = job.id  # the job list below is read after this, so it has it
                st.session_state["jobs_created"] = CREATED.format(n=job.total_items)
                st.session_state["jobs_reset"] = True
                st.rerun()

jobs = svc.batch.list(limit=50)
if not jobs:
    st.info("No jobs yet: create one above.")
    st.stop()

st.subheader("Jobs")


def jobs_table() -> None:
    rows = svc.batch.list(limit=50)
    table = [
        {
            "Name": j.name,
            "Status": status_words(j.status),
            "Done": f"{j.completed_items} of {j.total_items}",
            "Failed": j.failed_items,
            "Cost (USD)": round(j.cost_usd, 4),
            "Created": moment(j.created_at),
        }
        for j in rows
    ]
    st.dataframe(table, hide_index=True, key="jobs_table")


# The list refreshes with the live view while any job runs, so its counts never go stale.
st.fragment(run_every=2 if any(j.status in RUNNABLE for j in jobs) else None)(jobs_table)()
# Names only: the status lives in the table and the live view, which refresh while a job runs.
names = {j.id: j.name for j in jobs}
job_id = st.selectbox("Job", list(names), format_func=names.__getitem__, key="jobs_pick")
job_view(svc, job_id)
