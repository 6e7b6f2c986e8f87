"""Train: a training file → where to train → base model → preset → estimate and limit → Start; then the job view."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.dates import moment
from core.models.status_labels import status_text
from core.training.estimate import CURATED
from core.training.local import ENABLE_LOCAL
from core.training.presets import EXPLAINED, PRESETS, TITLES
from pages._train_widgets import BACKEND_WORDS, job_view
from pages._ui import empty_state, run_action, services

OWN = "own"
WHERE = {"local": "This computer", "together": "Together (hosted, paid by the token)"}
ADVANCED = ("epochs", "learning_rate", "lora_rank", "lora_alpha", "batch_size", "max_steps")

svc = services()
st.title("Train a model")
st.caption(
    "Turn a training file into a LoRA adapter: a small add-on that teaches a base model your expert's way of "
    "answering. Training goes on when you close this page."
)

if open_job := st.session_state.get("train_job"):
    job_view(svc, open_job)

files = svc.training_files.list_files()
st.subheader("New training run")
if not files:
    empty_state(
        "No training file yet: build one from approved conversations first.",
        page="pages/export.py",
        label="Open Export",
    )
    st.stop()

labels = {f.id: f"{f.name} · {f.conversation_count} conversations" for f in files}
file_id = st.selectbox("1. Training file", list(labels), format_func=lambda k: labels[k], key="train_file")

available = svc.training.available_backends()
backend = st.radio(
    "2. Where to train",
    available,
    format_func=lambda k: WHERE[k],
    horizontal=True,
    key="train_backend",
)
if "local" not in available:
    st.info(ENABLE_LOCAL, icon=":material/info:")
if backend == "together" and not svc.settings.has_together_key:
    st.warning("Training on Together needs a Together key: add it on Settings.", icon=":material/key_off:")

models = {m[0]: m[1] for m in CURATED[backend]}
choice = st.selectbox(
    "3. Base model", [*models, OWN], format_func=lambda k: models.get(k, "Your own…"), key=f"train_model_{backend}"
)
base_model = choice
if choice == OWN:
    base_model = st.text_input(
        "Your base model",
        key=f"train_own_{backend}",
        help="A Hugging Face model id (like Qwen/Qwen2.5-0.5B-Instruct)"
        + (", or a folder on this computer that holds one." if backend == "local" else "."),
    )

preset = st.radio(
    "4. Preset",
    list(PRESETS),
    format_func=lambda k: PRESETS[k].title,
    horizontal=True,
    key="train_preset",
    captions=[p.description for p in PRESETS.values()],
    index=1,
)
overrides: dict[str, Any] = {}
with st.expander("Advanced: change the preset's numbers"):
    defaults = PRESETS[preset].values
    cols = st.columns(3)
    for index, name in enumerate(ADVANCED):
        current = getattr(defaults, name)
        with cols[index % 3]:
            if name == "learning_rate":
                value: Any = st.number_input(
                    TITLES[name],
                    value=float(current),
                    format="%.6f",
                    step=1e-5,
                    help=EXPLAINED[name],
                    key=f"adv_{preset}_{name}",
                )
            elif name == "max_steps":
                value = st.number_input(
                    TITLES[name],
                    value=None,
                    min_value=1,
                    step=1,
                    help=EXPLAINED[name],
                    key=f"adv_{preset}_{name}",
                    placeholder="no limit",
                )
            else:
                value = st.number_input(
                    TITLES[name], value=int(current), step=1, help=EXPLAINED[name], key=f"adv_{preset}_{name}"
                )
        if value is not None and value != current:
            overrides[name] = value

st.markdown("**5. Estimate and spending limit**")
budget = None
if backend != "local":
    budget = st.number_input(
        "Spending limit (USD)",
        min_value=0.0,
        value=10.0,
        step=1.0,
        key="train_budget",
        help="Training is refused before anything is uploaded when the estimate is over it.",
    )
signature = (file_id, backend, base_model, preset, tuple(sorted(overrides.items())), budget)
if st.button("Check and estimate", icon=":material/calculate:", key="train_estimate"):
    plan = run_action(
        "Reading the conversations and counting tokens…",
        lambda: svc.training.plan(file_id, backend, base_model or "", preset, overrides, budget),
    )
    st.session_state["train_plan"] = (signature, plan) if plan is not None else None

stored = st.session_state.get("train_plan")
plan = stored[1] if stored and stored[0] == signature else None
if plan is not None:
    with st.container(border=True):
        for line in plan.estimate.lines():
            st.markdown(f"- {line}")
    if plan.over_budget:
        st.error(f"The estimate is over your spending limit of ${plan.budget_usd:.2f}.", icon=":material/block:")
    elif st.button("Start training", type="primary", icon=":material/play_arrow:", key="train_start"):
        job = run_action("Freezing the training file and starting…", lambda: svc.training.start(plan))
        if job is not None:
            svc.training.launch(job.id)
            st.session_state["train_job"] = job.id
            st.session_state.pop("train_plan", None)
            st.rerun()
elif stored:
    st.caption("Something changed since the estimate: check and estimate again.")

jobs = svc.training.jobs()
if jobs:
    st.subheader("Training runs")
    for job in jobs[:20]:
        left, right = st.columns([5, 1])
        left.markdown(
            f"**{job.name}** · {status_text('training_job', job.status)} · "
            f"{BACKEND_WORDS.get(job.backend, job.backend)} · {moment(job.created_at)}"
            + (" · demo" if job.is_demo else "")
        )
        if right.button("Open", key=f"open_{job.id}"):
            st.session_state["train_job"] = job.id
            st.rerun()
