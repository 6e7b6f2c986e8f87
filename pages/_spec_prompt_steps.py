"""Steps 4 and 5 of the spec pipeline: meta-prompts, and execution prompts written by Claude."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import BrightRunError
from core.models.spec_project import SpecProject
from core.models.status_labels import status_text
from core.models.statuses import SpecStep
from core.spec import zip_bytes
from core.spec.execution import earlier_prompts, existing_prompts, plan_execution, shared_context
from core.spec.models import META_PROMPTS_DIR, execution_prompts_name, meta_prompt_path
from core.spec.project_steps import step_state
from core.spec.projects import SpecProjectService
from core.spec.section_files import read_section_files
from pages._spec_widgets import costs, manual_prompt, money, preview

ORDER_OPTIONS = {
    True: "In order, E01 → E0N: each section sees the earlier sections' prompts (recommended)",
    False: "All at once: faster, but no section sees another's prompts",
}


def _codes(project: SpecProject) -> list[str]:
    try:
        return [s.code for s in read_section_files({k: v for k, v in project.files.items() if "/" not in k})]
    except BrightRunError:
        return []


def meta_step(svc: SpecProjectService, project: SpecProject) -> None:
    st.caption("Input: the section files of step 3. Output: one meta-prompt per section. No cost.")
    codes = _codes(project)
    if not codes:
        st.info("Finish step 3 first: there are no section files yet.")
        return
    state = step_state(project, "meta")
    label = "Write the meta-prompts again" if state.status == SpecStep.DONE else "Write the meta-prompts"
    if st.button(label, key="spec_run_meta", type="primary"):
        try:
            svc.run_meta(project.id)
        except BrightRunError as err:
            st.error(err.user_message)
        else:
            st.rerun()
    metas = {k: v for k, v in project.files.items() if k.startswith(f"{META_PROMPTS_DIR}/")}
    if not metas:
        return
    code = st.selectbox("Section", codes, key="spec_meta_section")
    name = meta_prompt_path(project.abbrev, str(code))
    if name in metas:
        preview(f"the meta-prompt of {code}", metas[name], name.rsplit("/", 1)[1], key="meta")
    st.download_button(
        "Download every meta-prompt (zip)", data=zip_bytes(metas), file_name="meta-prompts.zip", key="download_metas"
    )


def execute_step(svc: SpecProjectService, project: SpecProject, has_key: bool) -> None:
    st.caption(
        "Inputs: each section's meta-prompt and section file, with the integrated spec as shared context. "
        "Output: one execution-prompts file per section."
    )
    codes = _codes(project)
    if not codes or not any(k.startswith(f"{META_PROMPTS_DIR}/") for k in project.files):
        st.info("Finish step 4 first: there are no meta-prompts yet.")
        return
    index = 0 if project.ordered else 1
    ordered = st.radio(
        "How sections run",
        list(ORDER_OPTIONS),
        format_func=ORDER_OPTIONS.get,
        index=index,
        key=f"spec_order_{project.id}",
    )
    if ordered != project.ordered:
        project = svc.settings_for(project.id, ordered=bool(ordered))
    chosen = st.multiselect("Sections", codes, default=codes, key="spec_exec_sections")
    state = step_state(project, "execute")
    try:
        estimate = svc.estimate_execution(project, list(chosen) or None)
    except BrightRunError as err:
        st.error(err.user_message)
        return
    costs(estimate.total_usd, state.actual_usd, key="execute")
    if has_key:
        budget = st.number_input(
            "Stop if it would cost more than (USD, 0 = no limit)", min_value=0.0, key="spec_budget"
        )
        if st.button(
            "Write the execution prompts with Claude", key="spec_run_execute", type="primary", disabled=not chosen
        ):
            _run(svc, project, list(chosen), budget or None)
    else:
        _manual(svc, project, codes)
    _results(project, codes)


def _run(svc: SpecProjectService, project: SpecProject, codes: list[str], budget: float | None) -> None:
    bar = st.progress(0.0, text="Claude is writing the execution prompts…")
    done: list[str] = []

    def progress(code: str, _outcome: object) -> None:
        done.append(code)
        bar.progress(len(done) / len(codes), text=f"{len(done)} of {len(codes)} sections done")

    try:
        outcomes = svc.run_execute(project.id, codes, budget=budget, progress=progress)
    except BrightRunError as err:
        st.error(err.user_message)
        return
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        st.error(f"{outcome.key}: {outcome.error}")
    if not failed:
        st.rerun()


def _manual(svc: SpecProjectService, project: SpecProject, codes: list[str]) -> None:
    code = str(st.selectbox("Section to copy", codes, key="spec_manual_section"))
    job = svc.jobs(project, [code])[0]
    context = shared_context(project.files, svc.integrated_spec(project))
    before = earlier_prompts(job, project.files, existing_prompts(project.files)) if project.ordered else {}
    planned = plan_execution(job, context, svc.context(project), project.model, before, cache_read=False)
    manual_prompt(planned, key=f"execute-{code}")
    answer = st.text_area(f"Paste the agent's answer for {code}", key=f"spec_manual_answer_{code}", height=140)
    if st.button("Save these execution prompts", key="spec_manual_save"):
        svc.save_execution_prompts(project.id, code, answer)  # an empty answer is refused with a message
        st.rerun()


def _results(project: SpecProject, codes: list[str]) -> None:
    state = step_state(project, "execute")
    rows = []
    for code in codes:
        run = state.sections.get(code)
        written = execution_prompts_name(project.abbrev, code) in project.files
        status = SpecStep.DONE if written else (run.status if run else SpecStep.NOT_STARTED)
        rows.append(
            {
                "Section": code,
                "Status": status_text("spec_section", status),
                "Cost": money(run.actual_usd) if run else "—",
                "Note": (run.error or (f"continued {run.continued}×" if run.continued else "")) if run else "",
            }
        )
    st.table(pd.DataFrame(rows).set_index("Section"))
    outputs = {k: v for k, v in project.files.items() if k.endswith("-execution-prompts.md")}
    if not outputs:
        return
    ready = [c for c in codes if execution_prompts_name(project.abbrev, c) in outputs]
    code = st.selectbox("Preview the prompts of", ready, key="spec_exec_preview")
    name = execution_prompts_name(project.abbrev, str(code))
    preview(f"the execution prompts of {code}", outputs[name], name, key="execution")
    st.download_button(
        "Download every execution-prompts file (zip)",
        data=zip_bytes(outputs),
        file_name=f"{project.abbrev}-execution-prompts.zip",
        key="download_executions",
    )
