"""Batch jobs: create a batch from personas × arcs × topics with an estimate first, then watch it live.

Work is done by worker processes (``python -m core worker``), not by this page: closing the tab stops
nothing.
"""

from __future__ import annotations

import streamlit as st

from core.batch.service import BatchRequest
from pages._jobs_widgets import RUNNING, job_view, new_batch_form, show_estimate
from pages._ui import empty_state, run_action, services

svc = services()
st.title("Batch jobs")
st.caption("Many conversations at once, run by workers: `python -m core worker` (on any machine sharing the database).")

if not svc.scaffolding.list("personas", active_only=True):
    empty_state("Batches need scaffolding: personas, arcs and topics.", page="pages/scaffolding.py",
                label="Go to Scaffolding")  # fmt: skip

if planned := st.session_state.get("planned_batch"):
    # Coverage gaps planned on the Export page: exactly these combinations, not their full product.
    request = BatchRequest(combinations=[(g["persona_key"], g["arc_key"], g["topic_key"]) for g in planned])
    st.info(f"{len(planned)} combinations planned on the Export page (coverage gaps).")
    if show_estimate(svc, request):
        left, right = st.columns(2)
        if left.button("Create a job for the plan", key="jobs_create_planned", type="primary"):
            job = run_action("Creating the job…", lambda: svc.batch.create(request))
            if job is not None:
                st.session_state["jobs_pick"] = job.id
                del st.session_state["planned_batch"]
                st.success(f"Job created with {job.total_items} items. Start a worker, or use 'Run in background'.")
        if right.button("Discard the plan", key="jobs_discard_planned"):
            del st.session_state["planned_batch"]
            st.rerun()

with st.expander("New batch", expanded=not svc.batch.list(limit=1)):
    request = new_batch_form(svc)
    if request is not None and show_estimate(svc, request):
        name = st.text_input("Name (optional)", key="jobs_name")
        if st.button("Create job", key="jobs_create", type="primary"):
            job = run_action(
                "Creating the job…", lambda: svc.batch.create(request.model_copy(update={"name": name or None}))
            )
            if job is not None:
                st.session_state["jobs_pick"] = job.id  # the job list below is read after this, so it has it
                st.success(f"Job created with {job.total_items} items. Start a worker, or use 'Run in background'.")

jobs = svc.batch.list(limit=50)
if not jobs:
    st.info("No jobs yet: create one above.")
    st.stop()

st.subheader("Jobs")


def jobs_table() -> None:
    rows = svc.batch.list(limit=50)
    st.dataframe(
        [{"name": j.name, "status": j.status, "mode": j.mode, "done": f"{j.completed_items}/{j.total_items}",
          "failed": j.failed_items, "cost": round(j.cost_usd, 4), "created": j.created_at, "id": j.id} for j in rows],
        hide_index=True, key="jobs_table",
    )  # fmt: skip


# The list refreshes with the live view while any job runs, so its counts never go stale.
st.fragment(run_every=2 if any(j.status in RUNNING for j in jobs) else None)(jobs_table)()
# Names only: the status lives in the table and the live view, which refresh while a job runs.
names = {j.id: j.name for j in jobs}
job_id = st.selectbox("Job", list(names), format_func=names.__getitem__, key="jobs_pick")
if svc.batch.get(job_id).status in RUNNING:
    st.caption("This view refreshes every 2 seconds while the job runs.")
job_view(svc, job_id)
