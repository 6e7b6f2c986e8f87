"""Scaffolding: the expert, personas, emotional arcs, topics and prompt templates, editable."""

from __future__ import annotations

import streamlit as st

from core.scaffolding.defaults import install_defaults
from core.scaffolding.service import KIND_INFO, KINDS
from pages._scaffolding_form import record_form
from pages._ui import friendly_errors, run_action, services

svc = services()
scaffolding = svc.scaffolding
st.title("Scaffolding")
st.caption("Who the expert is, who the clients are, how they feel, what they ask about, and how we prompt Claude.")

if not scaffolding.list("personas"):
    st.info("No scaffolding yet. Install the defaults to start from a complete example you can edit.")
    installed = st.button("Install default scaffolding", key="install_defaults", type="primary")
    if installed and run_action("Installing…", lambda: install_defaults(scaffolding)) is not None:
        st.rerun()

st.subheader("Compatibility")
personas, arcs, topics = (scaffolding.list(k, active_only=True) for k in ("personas", "arcs", "topics"))
if personas and arcs and topics:
    c1, c2, c3, c4 = st.columns([3, 3, 3, 2])
    persona = c1.selectbox("Persona", personas, format_func=lambda p: p.name, key="compat_persona")
    arc = c2.selectbox("Emotional arc", arcs, format_func=lambda a: a.name, key="compat_arc")
    topic = c3.selectbox("Topic", topics, format_func=lambda t: t.name, key="compat_topic")
    result = scaffolding.compatibility(persona.persona_key, arc.arc_key, topic.topic_key)
    c4.metric("Compatibility", f"{result.score:.2f}", "compatible" if result.is_compatible else "poor fit")
    for warning in result.warnings:
        st.warning(warning)

tabs = st.tabs([KIND_INFO[k].label.capitalize() + "s" for k in KINDS])
for tab, kind in zip(tabs, KINDS, strict=True):
    with tab:
        info = KIND_INFO[kind]
        records = scaffolding.list(kind)
        st.dataframe(
            [{"key": r.key, "name": getattr(r, "name", ""), "active": r.is_active} for r in records],
            hide_index=True,
            width="stretch",
            key=f"table_{kind}",
        )
        options = ["➕ New"] + [r.key for r in records]
        choice = st.selectbox(f"Edit a {info.label}", options, key=f"pick_{kind}")
        record = next((r for r in records if r.key == choice), None)
        if record is not None:
            label = "Deactivate" if record.is_active else "Reactivate"
            if st.button(label, key=f"toggle_{kind}"):
                with friendly_errors():
                    scaffolding.set_active(kind, record.key, not record.is_active)
                    st.rerun()
        values = record_form(info.model, record, form_key=f"form_{kind}_{choice}")
        if values is not None:
            with friendly_errors():
                saved = scaffolding.save(kind, values)
                st.success(f"Saved {info.label} '{saved.key}'.")
