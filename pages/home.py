"""Home: the six steps from nothing to a trained model, where the data stands, the demo, and imports."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core.checklist import checklist
from core.demo.project import load_demo_project
from core.models.status_labels import StatusField, status_text
from core.models.statuses import Enrichment, Review
from pages._ui import attempt, page_link, run_action, services, signed_in_user, switch_project, system_services

# Short labels: six columns at 1280 pixels leave little room, and a label must never be cut.
STEP_PAGES = {
    "scaffold": ("pages/scaffolding.py", "Scaffolding"),
    "generate": ("pages/generate.py", "Generate"),
    "enrich": ("pages/enrich.py", "Enrich"),
    "review": ("pages/review.py", "Review"),
    "export": ("pages/export.py", "Export"),
    "train": ("pages/train.py", "Train"),
}

svc = services()
st.title("Bright Run Studio")
st.caption(
    f"Project: **{svc.project.name}** · turn an expert's know-how into conversations a model can be fine-tuned on."
)

for key in ("home_message", "demo_message"):
    if message := st.session_state.pop(key, None):
        st.success(message, icon=":material/task_alt:")
for refusal in st.session_state.pop("home_refused", []):
    st.error(refusal, icon=":material/error:")
if decided := st.session_state.pop("home_import_details", []):
    with st.expander("What the import kept, and why", expanded=True):  # per conversation: which copy won
        for line in decided:
            st.write(line)

stats = svc.stats()
cols = st.columns(4)
cols[0].metric("Conversations", stats.conversations)
cols[1].metric("Enriched", stats.enrichment_status[Enrichment.COMPLETED])
cols[2].metric("Approved", stats.review_status[Review.APPROVED])
cols[3].metric("Waiting for review", stats.review_status[Review.PENDING])

steps = checklist(svc, stats)
done = sum(step.done for step in steps)
st.subheader(f"Getting started · {done} of {len(steps)} done")
if stats.conversations == 0:
    st.info("Nothing here yet. **Open the demo project** below to see every page with data, or start at step 1.")
# At most three steps side by side: at 1280 pixels a fourth column cuts words and links.
per_row = 3
step_cols = [col for _ in range(0, len(steps), per_row) for col in st.columns(per_row)]
for number, (col, step) in enumerate(zip(step_cols, steps, strict=False), start=1):
    with col.container(border=True):
        icon = ":material/check_circle:" if step.done else ":material/radio_button_unchecked:"
        colour = "green" if step.done else "gray"
        st.markdown(f":{colour}[{icon}] **{number}. {step.title}**")
        st.caption(step.detail)
        path, label = STEP_PAGES[step.key]
        page_link(path, label=label, icon=":material/arrow_forward:")

left, right = st.columns(2)
with left, st.container(border=True):
    st.subheader("Demo project")
    st.write(
        "A worked example: an expert with her clients, their emotional journeys and topics, and 13 realistic "
        "conversations, already enriched, partly reviewed and exported, so every page has something to show. "
        "It is a project of its own: your work stays apart, and you can delete it in one click on Projects."
    )
    if st.button("Open the demo project", key="load_demo", type="primary", icon=":material/rocket_launch:"):
        # System work: the defaults are shared (no owner); the demo conversations belong to whoever asked.
        user = signed_in_user()
        loaded = run_action(
            "Loading the demo: importing, enriching, reviewing, building a training file…",
            lambda: load_demo_project(system_services(), created_by=user.id if user else None),
        )
        if loaded is not None:
            project, result = loaded
            st.session_state["demo_message"] = result.summary()
            switch_project(project.slug)
            st.rerun()
with right, st.container(border=True):
    st.subheader("Import conversations")
    st.write("Conversations saved as JSON: single conversations (plain or enriched) or a whole training file.")
    for stopped in svc.importer.interrupted():  # an import that was stopped midway (closed tab, server restart)
        st.warning(stopped, icon=":material/warning:")
    limit_mb = max(1, svc.settings.max_upload_bytes // (1024 * 1024))
    uploads = st.file_uploader(
        "JSON or JSONL files",
        type=["json", "jsonl"],
        accept_multiple_files=True,
        key="import_files",
        max_upload_size=limit_mb,  # the importer's own limit, so the browser refuses a bigger file at once
    )
    if uploads and st.button("Import", key="import_go", icon=":material/upload:"):
        imported: list[str] = []
        refused: list[str] = []
        details: list[str] = []
        for upload in uploads:
            result, error = attempt(
                f"Importing {upload.name}…", partial(svc.importer.import_bytes, upload.getvalue(), source=upload.name)
            )
            if error is None:
                imported.append(result.summary())
                details += result.details() + result.warnings
            else:
                said = error.user_message
                refused.append("Not imported: " + (said if upload.name in said else f"{upload.name}: {said}"))
        # Kept across the rerun, so the counters above include the import and no refusal goes unseen.
        st.session_state["home_message"] = " · ".join(imported) or None
        st.session_state["home_refused"] = refused
        st.session_state["home_import_details"] = details
        st.rerun()

if stats.conversations:
    st.subheader("Where the conversations stand")
    status_cols = st.columns(3)
    groups: tuple[tuple[str, StatusField, dict[str, int]], ...] = (
        ("Writing", "processing", stats.processing_status),
        ("Enrichment", "enrichment", stats.enrichment_status),
        ("Review", "review", stats.review_status),
    )
    for col, (title, field, counts) in zip(status_cols, groups, strict=True):
        with col:
            st.markdown(f"**{title}**")
            rows = {status_text(field, status): count for status, count in counts.items() if count}
            st.dataframe({"conversations": rows}, width="stretch")
if stats.truncated:
    st.warning(
        f"{stats.truncated} conversation(s) stop mid-reply: the model ran out of room. They are marked on the "
        "Review page."
    )
