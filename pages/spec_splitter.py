"""Spec splitter: integrated spec -> build sections and meta-prompts; and the merge prompt that makes the spec."""

from __future__ import annotations

from datetime import date

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from core.errors import BrightRunError, SpecError
from core.settings import folder_under_data
from core.spec import (
    BASE_TEMPLATE_VARIABLES,
    MERGE_FIELDS,
    SECTION_PATTERN_TEXT,
    MergeInput,
    SpecBundle,
    abbrev_from_file_name,
    build_merge_prompt,
    bundle_from_bytes,
    decode_spec,
    default_base_template,
    fill_template,
    list_placeholders,
    section_stats,
    write_files,
    zip_bytes,
)
from pages._ui import system_services

SPEC_BUILDS = "spec-builds"


def _split(upload: UploadedFile | None, pasted: str, product: str, template: UploadedFile | None) -> SpecBundle:
    if upload is not None:
        data, name = upload.getvalue(), upload.name
    elif pasted.strip():
        data, name = pasted.encode("utf-8"), "pasted-spec.md"
    else:
        raise SpecError("Upload a spec file or paste its text first.")
    abbrev = product.strip() or abbrev_from_file_name(name) or ""
    if not abbrev:
        raise SpecError("Enter a product abbreviation (it becomes part of every file name).")
    base = decode_spec(template.getvalue()) if template is not None else None
    base_name = template.name if template is not None else "progressive_prompts_base.md.j2"
    return bundle_from_bytes(data, abbrev, name, date.today(), base, base_name)


def _show_bundle(bundle: SpecBundle) -> None:
    result = bundle.result
    if result.preamble:
        with st.expander("Preamble (text before the first section; not written as a section)"):
            st.markdown(result.preamble)
    for error in result.errors:
        st.error(error)
    for warning in result.warnings:
        st.warning(warning)
    if result.notes:
        st.caption(" ".join(result.notes))
    tabs = st.tabs([f"{s.code} {s.title}" for s in result.sections])
    for tab, section in zip(tabs, result.sections, strict=True):
        with tab:
            stats = section_stats(section.text)
            cols = st.columns(5)
            cols[0].metric("Features", stats.feature_count)
            cols[1].metric("Lines", stats.line_count)
            cols[2].metric("Complexity", stats.complexity.value)
            cols[3].metric("Hours", stats.hours)
            cols[4].metric("Prompts", stats.expected_prompts)
            st.code(section.text, language="markdown")
            with st.expander("Meta-prompt"):
                st.code(bundle.meta_prompt(section), language="markdown")
    st.download_button(
        "Download everything (zip)",
        data=zip_bytes(bundle.files),
        file_name=f"{bundle.abbrev}-full-build.zip",
        mime="application/zip",
        key="spec_download_zip",
    )
    settings = system_services().settings
    if settings.backend != "embedded":
        return  # on a shared server nothing is written to its disk: download the zip instead
    folder = st.text_input("Or write to a folder inside the data folder", key="spec_out_dir", placeholder="my-product")
    overwrite = st.checkbox("Overwrite existing files", key="spec_overwrite")
    if st.button("Write to folder", key="spec_write", disabled=not folder.strip()):
        try:
            written = write_files(bundle.files, folder_under_data(settings, folder, SPEC_BUILDS), force=overwrite)
            st.success(f"Wrote {len(written)} files to “{folder.strip()}” in the data folder ({SPEC_BUILDS}).")
        except BrightRunError as err:
            st.error(err.user_message)


def _merge_prompt() -> str | None:
    st.header("Merge prompt")
    st.caption("Ask an agent to merge a structured spec with the codebase's infrastructure into an integrated spec.")
    mode = st.radio("Template", ["Built-in", "My own template"], key="merge_mode", horizontal=True)
    if mode == "Built-in":
        inputs: dict[str, MergeInput] = {}
        for field in MERGE_FIELDS:
            left, right = st.columns(2)
            upload = left.file_uploader(field.label, type=["md", "txt"], key=f"merge_upload_{field.key}")
            path = right.text_input("…or its path", key=f"merge_path_{field.key}")
            content = decode_spec(upload.getvalue()) if upload is not None else None
            inputs[field.key] = MergeInput(
                path=path.strip() or None, content=content, name=getattr(upload, "name", None)
            )
        output = st.text_input("Output path (integrated spec)", key="merge_output_path")
        project = st.text_input("Project name", key="merge_project")
        if st.button("Build merge prompt", key="merge_build"):
            return build_merge_prompt(inputs, output, date.today(), project.strip() or None)
        return None
    template = st.file_uploader("Template with {{PLACEHOLDERS}}", type=["md", "txt", "j2"], key="merge_template")
    if template is None:
        return None
    source = decode_spec(template.getvalue())
    names = list_placeholders(source, f"template {template.name}")
    st.write("Placeholders: " + (", ".join(f"`{n}`" for n in names) or "none"))
    values = {name: st.text_area(name, key=f"merge_var_{name}", height=68) for name in names}
    if st.button("Fill template", key="merge_fill"):
        return fill_template(source, values, f"template {template.name}")
    return None


st.title("Spec splitter")
st.caption(
    f"Splits an integrated spec at its `{SECTION_PATTERN_TEXT}` headings into build sections, "
    "with one meta-prompt per section. An uploaded file wins over pasted text."
)
spec_upload = st.file_uploader("Integrated spec", type=["md", "txt"], key="spec_upload")
spec_pasted = st.text_area("…or paste it", key="spec_paste", height=200)
spec_product = st.text_input("Product abbreviation", key="spec_product", placeholder="pipeline")
with st.expander("Replace the base template (optional)"):
    spec_template = st.file_uploader("Jinja2 base template", type=["md", "j2", "txt"], key="spec_template_upload")
    st.markdown("Values it may use: " + "; ".join(f"`{k}` ({v})" for k, v in BASE_TEMPLATE_VARIABLES.items()))
    st.download_button(
        "Download the built-in base template",
        data=default_base_template(),
        file_name="progressive_prompts_base.md.j2",
        key="spec_download_base",
    )

if st.button("Split", key="spec_split", type="primary"):
    try:
        st.session_state["spec_bundle"] = _split(spec_upload, spec_pasted, spec_product, spec_template)
    except BrightRunError as err:
        st.session_state.pop("spec_bundle", None)
        st.error(err.user_message)
if "spec_bundle" in st.session_state:
    _show_bundle(st.session_state["spec_bundle"])

st.divider()
try:
    merged = _merge_prompt()
    if merged is not None:
        st.session_state["merge_prompt_text"] = merged
except BrightRunError as err:
    st.error(err.user_message)
if st.session_state.get("merge_prompt_text"):
    st.code(st.session_state["merge_prompt_text"], language="markdown")
    st.download_button(
        "Download merge prompt",
        data=st.session_state["merge_prompt_text"],
        file_name="merge-integration-prompt.md",
        key="merge_download",
    )
