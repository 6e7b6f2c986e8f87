"""Widget groups of the Jobs page: the new-batch form, the key check before anything runs, one job's view."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.batch.estimate import duration
from core.batch.launch import start_worker_process
from core.batch.service import BatchRequest, JobProgress
from core.bootstrap import Services
from core.claude_key import preflight
from core.errors import BrightRunError
from core.models.status_labels import status_badge, status_text
from core.models.statuses import JOB_UNFINISHED, RUNNABLE, Item, Job
from core.scaffolding.fields import MAX_TOKENS_HELP
from pages._ui import friendly_errors, run_action, show_error

MODES = {"online": "Now, one by one", "message_batches": "Half price, within 24 hours (Message Batches)"}


def names(svc: Services) -> dict[str, dict[str, str]]:
    """Display names of personas, arcs and topics by key (inactive ones too: old jobs name them)."""
    return {k: {r.key: r.name for r in svc.scaffolding.list(k)} for k in ("personas", "arcs", "topics")}


def key_ready(svc: Services) -> bool:
    """Pre-flight: a batch starts only with a working Claude key. Otherwise say so, with the way to fix it."""
    try:
        preflight(svc.settings)
    except BrightRunError as err:
        show_error(err)
        try:
            st.page_link("pages/settings.py", label="Open Settings to add your key", icon=":material/key:")
        except StreamlitPageNotFoundError:  # the page runs on its own (tests), outside app.py's navigation
            st.caption("Open **Settings** from the menu to add your key.")
        return False
    return True


def new_batch_form(svc: Services) -> BatchRequest | None:
    """Scaffolding pickers (by name) and run settings; the estimate shows before anything is created."""
    shown = names(svc)
    keys = {k: [r.key for r in svc.scaffolding.list(k, active_only=True)] for k in ("personas", "arcs", "topics")}
    pickers = (
        ("Clients", "personas", "Choose clients"),
        ("Emotional journeys", "arcs", "Choose journeys"),
        ("Topics", "topics", "Choose topics"),
    )
    personas, arcs, topics = (
        column.multiselect(
            label, keys[kind], format_func=shown[kind].__getitem__, key=f"jobs_{kind}", placeholder=placeholder
        )
        for column, (label, kind, placeholder) in zip(st.columns(3), pickers, strict=True)
    )
    c1, c2, c3 = st.columns(3)
    variations = c1.number_input(
        "Conversations per combination",
        1,
        100,
        1,
        key="jobs_variations",
        help="How many different conversations to write for each client, journey and topic.",
    )
    concurrency = c2.number_input(
        "Written at the same time",
        1,
        64,
        4,
        key="jobs_concurrency",
        help="More is faster; if Claude says it is busy, the job slows down by itself.",
    )
    budget = c3.number_input(
        "Spending limit in USD (0 = no limit)",
        0.0,
        100_000.0,
        0.0,
        key="jobs_budget",
        help="The job pauses before it would spend more than this.",
    )
    with st.expander("Advanced: sending mode, rate limits, error handling"):
        mode = st.radio(
            "Sending mode",
            list(MODES),
            format_func=MODES.__getitem__,
            key="jobs_mode",
            horizontal=True,
            help="Message Batches is Anthropic's half-price service: results usually arrive within an hour.",
        )
        c1, c2, c3 = st.columns(3)
        rpm = c1.number_input("Requests per minute (0 = no limit)", 0, 100_000, 0, key="jobs_rpm")
        itpm = c2.number_input("Input tokens per minute (0 = no limit)", 0, 10**8, 0, key="jobs_itpm")
        otpm = c3.number_input("Output tokens per minute (0 = no limit)", 0, 10**8, 0, key="jobs_otpm")
        c1, c2 = st.columns(2)
        stop = c1.toggle("Stop at the first error", key="jobs_stop_on_error")
        priority = c2.selectbox("Priority", ["normal", "high", "low"], format_func=str.capitalize, key="jobs_priority")
        st.caption(
            "Jobs are run by worker processes. Besides “Run in background”, a worker can be started from a "
            "terminal on any machine that shares the database: `python -m core worker`."
        )
    if not (personas and arcs and topics):
        st.caption(
            "Choose at least one client, journey and topic to see how many conversations that makes and the cost."
        )
        return None
    return BatchRequest(
        personas=personas,
        arcs=arcs,
        topics=topics,
        variations=int(variations),
        concurrency=int(concurrency),
        mode=mode,
        budget_usd=budget or None,
        requests_per_minute=rpm or None,
        input_tokens_per_minute=itpm or None,
        output_tokens_per_minute=otpm or None,
        error_handling="stop" if stop else "continue",
        priority=priority,
    )


def show_estimate(svc: Services, request: BatchRequest) -> bool:
    """The count as a formula, tokens, cost (now vs Message Batches) and time. False if it failed."""
    with friendly_errors():
        estimate = svc.batch.estimate(request)
        st.markdown(f"**{estimate.formula}**")
        c1, c2, c3, c4 = st.columns(4)
        c1.metric(
            "Words to write",
            f"about {round(estimate.output_tokens * 0.75):,}",
            help=f"Claude reads about {round(estimate.input_tokens * 0.75):,} words of prompts and writes about "
            f"{round(estimate.output_tokens * 0.75):,} words ({estimate.input_tokens:,} tokens in, "
            f"{estimate.output_tokens:,} out; a token is about three quarters of a word).",
        )
        c2.metric("Cost now", f"${estimate.cost_online_usd:,.2f}")
        c3.metric("Cost at half price", f"${estimate.cost_batch_usd:,.2f}", help="With Message Batches (Advanced).")
        c4.metric("Time now", estimate.time_online)
        st.caption(f"Each conversation may be up to {svc.settings.max_tokens:,} tokens long. {MAX_TOKENS_HELP}")
        for warning in estimate.warnings:
            st.warning(warning)
        return True
    return False


def job_view(svc: Services, job_id: str) -> None:
    """One job's view; refreshes itself every 2 s while the job runs, and stays still once it ended."""
    job = svc.batch.get(job_id)
    running = job.status in RUNNABLE
    st.fragment(run_every=2.0 if running else None)(_live)(svc, job_id, running)


def _live(svc: Services, job_id: str, was_running: bool) -> None:
    progress = svc.batch.progress(job_id)
    job = progress.job
    running = job.status in RUNNABLE
    if was_running and not running:
        st.rerun()  # the job just ended: redraw the whole page still, with no refreshing parts left over
    if running:
        st.caption("This view updates by itself while the job runs.")
    done = job.completed_items + job.cancelled_items
    st.markdown(f"{status_badge('job', job.status)} {done} of {job.total_items} conversations")
    if job.status == Job.QUEUED:
        st.caption(
            "Why it waits: a job starts when a worker takes it. Click “Run in background” to start one; a worker "
            "takes about ten seconds to get ready on a busy computer, then the first conversations appear here."
            if not job.started_at
            else "Waiting for a worker to take it up again."
        )
    st.progress(progress.fraction)
    if job.stop_reason:
        st.warning(job.stop_reason)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        "Written / failed",
        f"{job.successful_items} / {job.failed_items}",
        f"{job.cancelled_items} cancelled" if job.cancelled_items else None,
    )
    if running:
        c2.metric("Speed", f"{progress.items_per_min:.1f} per minute" if progress.items_per_min else "Starting…")
        c3.metric("Time left", duration(progress.eta_s) if progress.eta_s else "–")
    elif job.started_at and job.completed_at:
        c2.metric("Took", duration((job.completed_at - job.started_at).total_seconds()))
    cap = f" of ${job.budget_usd:,.2f}" if job.budget_usd is not None else ""
    c4.metric("Cost so far" if running else "Cost", f"${job.cost_usd:,.4f}{cap}")
    _controls(svc, progress)
    lines = svc.batch.log(job_id, limit=15)
    with st.expander("Job log", expanded=running):
        st.code(
            "\n".join(f"{line.created_at:%H:%M:%S} {line.message}" for line in lines) or "(nothing yet)", language=None
        )
    failures = svc.batch.items(job_id, status=Item.FAILED)
    if failures:
        shown = names(svc)
        st.dataframe(
            [{"#": i.position, **_params(i.parameters, shown), "Why it failed": i.error_message} for i in failures],
            hide_index=True,
            key=f"jobs_failures_{job_id}",
        )


def _params(parameters: dict[str, Any], shown: dict[str, dict[str, str]]) -> dict[str, Any]:
    columns = (("Client", "personas", "persona_key"), ("Journey", "arcs", "arc_key"), ("Topic", "topics", "topic_key"))
    return {title: shown[kind].get(str(parameters.get(field)), parameters.get(field)) for title, kind, field in columns}


def _controls(svc: Services, progress: JobProgress) -> None:
    job = progress.job
    cols = st.columns(5)
    if job.status in RUNNABLE and cols[0].button("Pause", key="jobs_pause"):
        run_action("Pausing…", lambda: svc.batch.pause(job.id))
    if job.status == Job.PAUSED and cols[0].button("Resume", key="jobs_resume", type="primary") and key_ready(svc):
        run_action("Resuming…", lambda: svc.batch.resume(job.id))
    if job.status in JOB_UNFINISHED and cols[1].button("Cancel", key="jobs_cancel"):
        run_action("Cancelling…", lambda: svc.batch.cancel(job.id))
    if (
        job.status in RUNNABLE
        and cols[2].button(
            "Run in background",
            key="jobs_start_worker",
            type="primary",
            help="Starts the work on this computer. It keeps going if you close this tab.",
        )
        and key_ready(svc)
    ):
        start_worker_process(job.id, log_dir=svc.settings.data_dir / "logs")
        st.toast("Started. It keeps going if you close this tab.")
    if (
        job.failed_items
        and job.status not in RUNNABLE
        and cols[3].button("Try the failed ones again", key="jobs_resubmit")
        and key_ready(svc)
    ):
        run_action("Queueing the failed conversations…", lambda: svc.batch.resubmit_failed(job.id))
    enrichment = getattr(svc, "enrichment", None)
    if job.status == Job.COMPLETED and enrichment is not None and cols[4].button("Enrich all", key="jobs_enrich_all"):
        ids = svc.batch.conversation_ids(job.id)
        summary = run_action(f"Enriching {len(ids)} conversations…", lambda: enrichment.run_many(ids))
        if summary is not None:
            rows = svc.conversation_rows.list(where={"conversation_id": ids}) if ids else []
            names = {r.conversation_id: r.conversation_name for r in rows}
            (st.success if not summary.failed else st.warning)(summary.plain(names))


def status_words(status: str) -> str:
    return status_text("job", status)
