"""Widget groups of the Jobs page: the new-batch form and one job's live view."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.batch.estimate import duration
from core.batch.launch import start_worker_process
from core.batch.service import BatchRequest, JobProgress
from core.bootstrap import Services
from pages._ui import friendly_errors, run_action

RUNNING = ("queued", "processing")


def new_batch_form(svc: Services) -> BatchRequest | None:
    """Scaffolding pickers and run settings; the estimate shows before anything is created."""
    keys = {k: [r.key for r in svc.scaffolding.list(k, active_only=True)] for k in ("personas", "arcs", "topics")}
    c1, c2, c3 = st.columns(3)
    personas = c1.multiselect("Personas", keys["personas"], key="jobs_personas")
    arcs = c2.multiselect("Emotional arcs", keys["arcs"], key="jobs_arcs")
    topics = c3.multiselect("Topics", keys["topics"], key="jobs_topics")
    c1, c2, c3, c4 = st.columns(4)
    variations = c1.number_input("Variations each", 1, 100, 1, key="jobs_variations")
    concurrency = c2.number_input("Concurrency", 1, 64, 4, key="jobs_concurrency")
    mode = c3.radio("Mode", ["online", "message_batches"], key="jobs_mode", horizontal=True,
                    help="Message Batches: half price, results usually within an hour.")  # fmt: skip
    budget = c4.number_input("Budget cap (USD, 0 = none)", 0.0, 100_000.0, 0.0, key="jobs_budget")
    with st.expander("Rate limits and error handling", expanded=False):
        c1, c2, c3 = st.columns(3)
        rpm = c1.number_input("Requests / min (0 = none)", 0, 100_000, 0, key="jobs_rpm")
        itpm = c2.number_input("Input tokens / min (0 = none)", 0, 10**8, 0, key="jobs_itpm")
        otpm = c3.number_input("Output tokens / min (0 = none)", 0, 10**8, 0, key="jobs_otpm")
        c1, c2 = st.columns(2)
        stop = c1.toggle("Stop at the first error", key="jobs_stop_on_error")
        priority = c2.selectbox("Priority", ["normal", "high", "low"], key="jobs_priority")
    if not (personas and arcs and topics):
        st.caption("Pick at least one persona, arc and topic to see the count and estimate.")
        return None
    return BatchRequest(
        personas=personas, arcs=arcs, topics=topics, variations=int(variations), concurrency=int(concurrency),
        mode=mode, budget_usd=budget or None, requests_per_minute=rpm or None, input_tokens_per_minute=itpm or None,
        output_tokens_per_minute=otpm or None, error_handling="stop" if stop else "continue", priority=priority,
    )  # fmt: skip


def show_estimate(svc: Services, request: BatchRequest) -> bool:
    """The count as a formula, tokens, cost (online vs Message Batches) and time. False if it failed."""
    with friendly_errors():
        estimate = svc.batch.estimate(request)
        st.markdown(f"**{estimate.formula}**")
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("Tokens in / out", f"{estimate.input_tokens:,} / {estimate.output_tokens:,}")
        c2.metric("Cost online", f"${estimate.cost_online_usd:,.2f}")
        c3.metric("Cost with Message Batches", f"${estimate.cost_batch_usd:,.2f}")
        c4.metric("Time online", estimate.time_online)
        for warning in estimate.warnings:
            st.warning(warning)
        return True
    return False


def job_view(svc: Services, job_id: str) -> None:
    """One job's live view; refreshes itself every 2 s while the job runs."""
    job = svc.batch.get(job_id)
    every = 2.0 if job.status in RUNNING else None
    st.fragment(run_every=every)(_live)(svc, job_id)


def _live(svc: Services, job_id: str) -> None:
    progress = svc.batch.progress(job_id)
    job = progress.job
    st.progress(progress.fraction, text=f"{job.status} · {job.completed_items + job.cancelled_items}/{job.total_items}")
    if job.stop_reason:
        st.warning(job.stop_reason)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Succeeded / failed", f"{job.successful_items} / {job.failed_items}",
              f"{job.cancelled_items} cancelled" if job.cancelled_items else None)  # fmt: skip
    c2.metric("Rate", f"{progress.items_per_min:.1f}/min" if progress.items_per_min else "–")
    c3.metric("ETA", duration(progress.eta_s) if progress.eta_s else "–")
    cap = f" of ${job.budget_usd:,.2f}" if job.budget_usd is not None else ""
    c4.metric("Cost so far", f"${job.cost_usd:,.4f}{cap}")
    _controls(svc, progress)
    lines = svc.batch.log(job_id, limit=15)
    st.code("\n".join(f"{line.created_at:%H:%M:%S} {line.level:<7} {line.message}" for line in lines) or "(no log)",
            language=None)  # fmt: skip
    failures = svc.batch.items(job_id, status="failed")
    if failures:
        st.dataframe([{"item": i.position, **_params(i.parameters), "reason": i.error_message} for i in failures],
                     hide_index=True, key=f"jobs_failures_{job_id}")  # fmt: skip


def _params(parameters: dict[str, Any]) -> dict[str, Any]:
    return {k: parameters.get(k) for k in ("persona_key", "arc_key", "topic_key")}


def _controls(svc: Services, progress: JobProgress) -> None:
    job = progress.job
    cols = st.columns(5)
    if job.status in RUNNING and cols[0].button("Pause", key="jobs_pause"):
        run_action("Pausing…", lambda: svc.batch.pause(job.id))
    if job.status == "paused" and cols[0].button("Resume", key="jobs_resume", type="primary"):
        run_action("Resuming…", lambda: svc.batch.resume(job.id))
    if job.status in (*RUNNING, "paused") and cols[1].button("Cancel", key="jobs_cancel"):
        run_action("Cancelling…", lambda: svc.batch.cancel(job.id))
    if job.status in RUNNING and cols[2].button("Run in background", key="jobs_start_worker",
                                                help="Starts `python -m core worker --job …` on this machine."):  # fmt: skip
        pid = start_worker_process(job.id, log_dir=svc.settings.data_dir / "logs")
        st.toast(f"Worker started (pid {pid}). It keeps going if you close this tab.")
    if job.failed_items and job.status not in RUNNING and cols[3].button("Resubmit failed", key="jobs_resubmit"):
        run_action("Queueing failed items…", lambda: svc.batch.resubmit_failed(job.id))
    enrichment = getattr(svc, "enrichment", None)
    if job.status == "completed" and enrichment is not None and cols[4].button("Enrich all", key="jobs_enrich_all"):
        ids = svc.batch.conversation_ids(job.id)
        summary = run_action(f"Enriching {len(ids)} conversations…", lambda: enrichment.run_many(ids))
        if summary is not None:
            st.success(f"Enrichment finished for {len(ids)} conversations: {summary}")
