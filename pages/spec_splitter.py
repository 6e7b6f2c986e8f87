"""Spec splitter, the builders' tool: one guided flow from the merge inputs to execution prompts.

A visible stepper (merge inputs → integrated spec by Claude → sections and INDEX → meta-prompts →
execution prompts by Claude). Each step shows its inputs, output, cost and can be re-run alone. The work
is saved as a spec project after every step, so closing the browser loses nothing.
"""

from __future__ import annotations

import streamlit as st

from core.errors import BrightRunError
from core.models.status_labels import status_badge
from core.spec.project_steps import STEP_TITLES, STEPS, StepKey, step_status
from core.spec.projects import SpecProjectService
from pages._spec_prompt_steps import execute_step, meta_step
from pages._spec_steps import inputs_step, integrate_step, split_step
from pages._ui import services


def _project_picker(svc: SpecProjectService) -> str | None:
    projects = svc.all_projects()
    names = {p.id: p.name for p in projects}
    left, right = st.columns([3, 2])
    with right.popover("New spec project", icon=":material/add:"):
        name = st.text_input("Project name", key="spec_new_name", placeholder="Studio bookings")
        abbrev = st.text_input(
            "Product abbreviation",
            key="spec_new_abbrev",
            placeholder="studio",
            help="It becomes part of every file name.",
        )
        if st.button("Create", key="spec_create", type="primary"):
            try:
                created = svc.create(name, abbrev)
            except BrightRunError as err:
                st.error(err.user_message)
            else:
                st.session_state["spec_project"] = created.id
                st.rerun()
    if not projects:
        left.info("Start with a new spec project: it keeps every step's work.")
        return None
    current = st.session_state.get("spec_project")
    ids = list(names)
    chosen = left.selectbox(
        "Spec project", ids, index=ids.index(current) if current in ids else 0, format_func=lambda i: names[i]
    )
    st.session_state["spec_project"] = chosen
    return str(chosen)


def _stepper(statuses: dict[StepKey, str]) -> StepKey:
    columns = st.columns(len(STEPS))
    for number, (column, key) in enumerate(zip(columns, STEPS, strict=True), start=1):
        column.markdown(f"**{number}. {STEP_TITLES[key]}**  \n{status_badge('spec_step', statuses[key])}")
    labels = {key: f"{number}. {STEP_TITLES[key]}" for number, key in enumerate(STEPS, start=1)}
    chosen = st.segmented_control(
        "Step", list(STEPS), format_func=lambda k: labels[k], key="spec_step", default="inputs"
    )
    return chosen or "inputs"


st.title("Spec splitter")
st.caption(
    "For the app's builders: from a structured spec to build prompts. Claude writes the integrated spec and "
    "each section's execution prompts; the app splits, indexes and writes meta-prompts. Every step is saved."
)
svc_all = services()
svc = svc_all.spec_projects
project_id = _project_picker(svc)
if project_id is not None:
    project = svc.get(project_id)
    step = _stepper({key: step_status(project, key) for key in STEPS})
    st.subheader(STEP_TITLES[step])
    has_key = svc_all.settings.has_claude_key
    try:
        if step == "inputs":
            inputs_step(svc, project)
        elif step == "integrate":
            integrate_step(svc, project, has_key)
        elif step == "split":
            split_step(svc, project)
        elif step == "meta":
            meta_step(svc, project)
        else:
            execute_step(svc, project, has_key)
    except BrightRunError as err:
        st.error(err.user_message)
    project = svc.get(project_id)
    if project.files:
        st.divider()
        left, right = st.columns(2)
        left.download_button(
            "Download everything (zip)",
            data=svc.zip(project),
            file_name=f"{project.abbrev}-full-build.zip",
            key="spec_download_zip",
        )
        if svc_all.settings.backend == "embedded":  # on a shared server nothing is written to its disk
            with right.expander("Or write to a folder inside the data folder"):
                folder = st.text_input("Folder name", key="spec_out_dir", placeholder="my-product")
                overwrite = st.checkbox("Overwrite existing files", key="spec_overwrite")
                if st.button("Write to folder", key="spec_write"):
                    try:
                        count = svc.write_to_data_folder(project, folder, overwrite=overwrite)
                        st.success(f"Wrote {count} files to “{folder.strip()}” in the data folder (spec-builds).")
                    except BrightRunError as err:
                        st.error(err.user_message)
