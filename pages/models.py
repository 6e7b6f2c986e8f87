"""Models: each trained adapter with its training file, preset, base model and losses; Download as a zip; Delete."""

from __future__ import annotations

import re
from functools import partial

import streamlit as st

from core.dates import moment
from core.training import presets
from core.training.estimate import base_model_words
from pages._evaluation_widgets import scorecard_line
from pages._train_widgets import BACKEND_WORDS
from pages._ui import empty_state, run_action, services

svc = services()
st.title("Models")
st.caption("The LoRA adapters your training runs made. Load one on its base model to use it.")
if notice := st.session_state.pop("models_notice", None):
    st.success(notice, icon=":material/check_circle:")

models = svc.training.models()
if not models:
    empty_state("No trained model yet: train one from a training file.", page="pages/train.py", label="Open Train")
    st.stop()

for model in models:
    with st.container(border=True):
        demo = " :gray-badge[Demo data]" if model.is_demo else ""
        st.markdown(f"### {model.name}{demo}")
        st.markdown(
            f"Base model **{base_model_words(model.base_model)}** · training file **{model.training_file_name}** · "
            f"preset **{presets.title(model.preset)}** · trained on {BACKEND_WORDS.get(model.backend, model.backend)}"
            f" · {moment(model.created_at)}"
        )
        cols = st.columns(3)
        cols[0].metric("Final loss", f"{model.final_loss:.4f}" if model.final_loss is not None else "—")
        held_out = f"{model.final_eval_loss:.4f}" if model.final_eval_loss is not None else "—"
        cols[1].metric("Held-out loss", held_out, help="Loss on conversations held out from training.")
        cols[2].metric("Steps", model.steps)
        if model.hosted_model_name:
            st.caption(f"On Together as {model.hosted_model_name}")
        scorecard_line(svc, model.id)
        left, right = st.columns([1, 1])
        files = svc.training.adapter_files(model)
        if files:
            left.download_button(
                "Download as a zip",
                data=partial(svc.training.zip_bytes, model.id),
                file_name=re.sub(r"[^A-Za-z0-9._-]+", "-", model.name).strip("-") + ".zip",
                mime="application/zip",
                icon=":material/download:",
                key=f"download_{model.id}",
            )
        else:
            left.caption("No adapter file is stored for this model.")
        if right.button("Delete", key=f"delete_{model.id}", icon=":material/delete:"):
            gone = run_action("Deleting the adapter…", partial(svc.training.delete_model, model.id))
            if gone is not None:
                st.session_state["models_notice"] = f"Deleted '{gone.name}'."
                st.rerun()
