"""The five panels of the spec pipeline's stepper: inputs, output, cost and a re-run for each step."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import BrightRunError
from core.models.spec_project import SpecProject
from core.models.statuses import SpecStep
from core.spec import MERGE_FIELDS, decode_spec, section_stats, zip_bytes
from core.spec.integrate import integrated_spec_name
from core.spec.project_steps import step_state
from core.spec.projects import SpecProjectService
from core.spec.section_files import read_section_files
from pages._spec_widgets import costs, manual_prompt, money, preview


def inputs_step(svc: SpecProjectService, project: SpecProject) -> None:
    st.caption("The four documents the integrated spec is made from. Upload each one (Markdown or text).")
    for field in MERGE_FIELDS:
        saved = project.inputs.get(field.key) or {}
        left, right = st.columns([3, 2])
        upload = left.file_uploader(field.label, type=["md", "txt"], key=f"spec_input_{field.key}")
        if upload is not None:
            text = decode_spec(upload.getvalue())
            if text != saved.get("text") or upload.name != saved.get("name"):
                svc.set_input(project.id, field.key, upload.name, text)
                st.rerun()  # the stepper above shows the new state
        if saved.get("text", "").strip():
            lines = len(saved["text"].splitlines())
            right.markdown(f":green-badge[Saved] {saved.get('name') or field.label} · {lines} lines")
        else:
            right.markdown(":gray-badge[Missing]")


def integrate_step(svc: SpecProjectService, project: SpecProject, has_key: bool) -> None:
    state = step_state(project, "integrate")
    st.caption("Inputs: the four merge inputs of step 1. Claude merges them into one integrated spec.")
    try:
        planned = svc.plan_integrate(project)
    except BrightRunError as err:
        st.warning(err.user_message)
        planned = None
    costs(planned.estimate_usd if planned else state.estimate_usd, state.actual_usd, key="integrate")
    if state.error:
        st.error(f"The last run failed: {state.error}")
    done = svc.integrated_spec(project) is not None
    if planned is not None and has_key:
        label = "Write it again with Claude" if done else "Write the integrated spec with Claude"
        if st.button(label, key="spec_run_integrate", type="primary"):
            with st.spinner("Claude is writing the integrated spec…"):
                outcome = svc.run_integrate(project.id)
            (st.success if outcome.ok else st.error)(
                f"Written for {money(outcome.cost_usd)}." if outcome.ok else f"Not written: {outcome.error}"
            )
            st.rerun()
    elif planned is not None:
        manual_prompt(planned, key="integrate")
    with st.expander("Already have the integrated spec? Upload or paste it"):
        upload = st.file_uploader("Integrated spec", type=["md", "txt"], key="spec_integrated_upload")
        pasted = st.text_area("…or paste it", key="spec_integrated_paste", height=160)
        if st.button("Use this integrated spec", key="spec_save_integrated"):
            text = decode_spec(upload.getvalue()) if upload is not None else pasted
            svc.save_integrated(project.id, text)
            st.rerun()
    integrated = svc.integrated_spec(project)
    if integrated:
        preview("the integrated spec", integrated, integrated_spec_name(project.abbrev), key="integrated")


def split_step(svc: SpecProjectService, project: SpecProject) -> None:
    state = step_state(project, "split")
    st.caption("Input: the integrated spec of step 2. Output: one file per section and INDEX.md. No cost.")
    if svc.integrated_spec(project) is None:
        st.info("Finish step 2 first: there is no integrated spec yet.")
        return
    label = "Split again" if state.status == SpecStep.DONE else "Split into sections"
    if st.button(label, key="spec_run_split", type="primary"):
        svc.run_split(project.id)
        st.rerun()
    for problem in state.problems:
        (st.error if "not written" in problem else st.warning)(problem)
    if state.notes:
        st.caption(" ".join(state.notes))
    if "INDEX.md" not in project.files:
        return
    sections = read_section_files({k: v for k, v in project.files.items() if "/" not in k})
    rows = []
    for section in sections:
        stats = section_stats(section.text)
        rows.append(
            {
                "Section": section.code,
                "Title": section.title,
                "Features": stats.feature_count,
                "Lines": stats.line_count,
                "Complexity": stats.complexity.value.capitalize(),
            }
        )
    st.table(pd.DataFrame(rows).set_index("Section"))
    preview("INDEX.md", project.files["INDEX.md"], "INDEX.md", key="index")
    section_files = {s.file_name: project.files[s.file_name] for s in sections}
    st.download_button(
        "Download the section files (zip)",
        data=zip_bytes({"INDEX.md": project.files["INDEX.md"], **section_files}),
        file_name=f"{project.abbrev}-sections.zip",
        key="download_sections",
    )
