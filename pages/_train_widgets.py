"""The Train page's job view: the steps (Uploading → Queued → Training step 40 of 120 → Saving → Ready), the
learning-progress chart, the cost so far, Cancel, and what happened in plain words. Refreshes every second
while the job runs."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from core.bootstrap import Services
from core.models.status_labels import status_badge, status_text
from core.models.statuses import TRAINING_STEPS, TRAINING_TERMINAL, TRAINING_UNFINISHED, Phase, Training
from core.models.training_jobs import TrainingJob, TrainingMetric
from core.training import presets
from core.training.estimate import base_model_words
from pages._ui import page_link, run_action

REFRESH_S = 1.0
BACKEND_WORDS = {"local": "this computer", "together": "Together"}


def loss_chart(points: list[TrainingMetric]) -> alt.Chart:
    rows = [{"step": p.step, "loss": p.loss, "series": "Training"} for p in points if p.loss is not None]
    rows += [
        {"step": p.step, "loss": p.eval_loss, "series": "Held-out check"} for p in points if p.eval_loss is not None
    ]
    frame = pd.DataFrame(rows)
    return (
        alt.Chart(frame, height=220)
        .mark_line(point=True)
        .encode(
            x=alt.X("step:Q", title="step", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("loss:Q", title="loss", scale=alt.Scale(zero=False)),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["series:N", "step:Q", alt.Tooltip("loss:Q", format=".4f")],
        )
    )


def step_words(job: TrainingJob, phase: str) -> str:
    if phase == Phase.TRAINING and job.total_steps:
        return f"Training step {job.step} of {job.total_steps}"
    return status_text("training_phase", phase)


def steps_row(job: TrainingJob) -> None:
    current = job.phase
    reached = TRAINING_STEPS.index(current) if current in TRAINING_STEPS else None
    if reached is None:  # failed or cancelled: the steps it got through, then where it stopped
        reached = TRAINING_STEPS.index(Phase.TRAINING) if job.step else TRAINING_STEPS.index(Phase.QUEUED)
    cols = st.columns(len(TRAINING_STEPS))
    for index, (col, phase) in enumerate(zip(cols, TRAINING_STEPS, strict=True)):
        words = step_words(job, phase)
        if index < reached or (job.status == Training.COMPLETED and index == reached):
            col.markdown(f":green[:material/check_circle:] {words}")
        elif index == reached and job.status in TRAINING_UNFINISHED:
            col.markdown(f":blue[:material/progress_activity:] **{words}**")
        elif index == reached:
            col.markdown(f":red[:material/cancel:] {words}")
        else:
            col.markdown(f":gray[:material/radio_button_unchecked:] {words}")


def job_view(svc: Services, job_id: str) -> None:
    job = svc.training.get(job_id)
    running = job.status in TRAINING_UNFINISHED
    st.fragment(run_every=REFRESH_S if running else None)(_live)(svc, job_id, running)


def _live(svc: Services, job_id: str, was_running: bool) -> None:
    job = svc.training.get(job_id)
    if was_running and job.status in TRAINING_TERMINAL:
        st.rerun()  # it just ended: redraw the whole page, with no refreshing parts left
    with st.container(border=True):
        st.markdown(f"### {job.name} {status_badge('training_job', job.status)}")
        st.caption(
            f"{job.training_file_name} · on {BACKEND_WORDS.get(job.backend, job.backend)} · base model "
            f"{base_model_words(job.base_model)} · {presets.title(job.preset)}"
        )
        steps_row(job)
        if job.status == Training.RUNNING and job.total_steps:
            st.progress(min(job.step / job.total_steps, 1.0))
        cols = st.columns(3)
        cols[0].metric("Loss", f"{job.loss:.4f}" if job.loss is not None else "—")
        cols[1].metric("Held-out loss", f"{job.eval_loss:.4f}" if job.eval_loss is not None else "—")
        free = job.backend == "local"
        cols[2].metric(
            "Cost so far",
            f"${job.cost_usd:.2f}",
            help="Training on this computer costs nothing." if free else "As Together reports it.",
        )
        points = svc.training.points(job.id)
        if points:
            st.altair_chart(loss_chart(points), width="stretch")
        elif job.status in TRAINING_UNFINISHED:
            st.caption("The learning-progress chart appears after the first step.")
        if job.status == Training.FAILED:
            st.error(job.message or "The training did not finish.", icon=":material/error:")
        elif job.status == Training.CANCELLED:
            st.info(job.message or "Cancelled.", icon=":material/block:")
        elif job.message and job.status in TRAINING_UNFINISHED:
            st.warning(job.message, icon=":material/info:")
        if job.status == Training.COMPLETED:
            st.success("Ready: the trained adapter is on the Models page.", icon=":material/task_alt:")
            page_link("pages/models.py", label="Open Models", icon=":material/arrow_forward:")
        if job.status in TRAINING_UNFINISHED and st.button(
            "Cancel training", key=f"cancel_{job.id}", icon=":material/stop_circle:"
        ):
            run_action("Cancelling…", lambda: svc.training.cancel(job.id))
            st.rerun()
