"""Home: where the data stands, the demo dataset in one click, and imports."""

from __future__ import annotations

import streamlit as st

from core.demo import load_demo
from pages._ui import run_action, services, signed_in_user, system_services

svc = services()
st.title("Bright Run Studio")
st.caption("Turn an expert's know-how into LoRA fine-tuning conversations: scaffold, generate, enrich, review, export.")

stats = svc.stats()
cols = st.columns(4)
cols[0].metric("Conversations", stats.conversations)
cols[1].metric("Enriched", stats.enrichment_status["completed"])
cols[2].metric("Approved", stats.review_status["approved"])
cols[3].metric("Failed generations", stats.failed_generations)

if stats.conversations == 0:
    st.info("No conversations yet. Load the demo dataset to see every page with data, or import your files below.")

left, right = st.columns(2)
with left:
    st.subheader("Demo dataset")
    st.write(
        "Default scaffolding (a fee-only financial planner, personas, arcs, topics, templates) and realistic conversations."
    )
    if st.button("Load demo dataset", key="load_demo", type="primary", icon=":material/rocket_launch:"):
        # System work: the defaults are shared (no owner); the demo conversations belong to whoever asked.
        user = signed_in_user()
        result = run_action(
            "Loading the demo…",
            lambda: load_demo(system_services().importer, created_by=user.id if user else None),
        )
        if result is not None:
            st.toast(result.summary())
            st.session_state["demo_message"] = result.summary()
            st.rerun()
    if message := st.session_state.get("demo_message"):
        st.success(message)
with right:
    st.subheader("Import")
    st.write("A raw conversation, an enriched conversation, or a `brightrun-lora-v4` training file (JSON).")
    uploads = st.file_uploader("JSON files", type=["json"], accept_multiple_files=True, key="import_files")
    if uploads and st.button("Import", key="import_go", icon=":material/upload:"):
        for upload in uploads:
            result = run_action(
                f"Importing {upload.name}…", lambda u=upload: svc.importer.import_bytes(u.getvalue(), source=u.name)
            )
            if result is not None:
                st.success(result.summary())

st.subheader("Where the conversations stand")
status_cols = st.columns(3)
for col, (title, counts) in zip(
    status_cols,
    (
        ("Processing", stats.processing_status),
        ("Enrichment", stats.enrichment_status),
        ("Review", stats.review_status),
    ),
    strict=True,
):
    with col:
        st.markdown(f"**{title}**")
        rows = {status.replace("_", " "): count for status, count in counts.items()}
        st.table({"count": rows})
if stats.truncated:
    st.warning(f"{stats.truncated} conversation(s) are marked truncated: the model ran out of room mid-reply.")
