"""Scaffolding: the expert, personas, emotional arcs, topics and prompt templates, editable by name."""

from __future__ import annotations

import streamlit as st

from core.scaffolding.defaults import install_starter
from core.scaffolding.fields import COMPATIBILITY_HELP
from core.scaffolding.service import KIND_INFO, KINDS, Kind
from pages._client_fields_widgets import client_fields_section
from pages._draft_widgets import draft_section, wants_draft
from pages._scaffolding_form import Names, record_form
from pages._scaffolding_widgets import delete_button, transfer_section, undo_banner
from pages._template_editor import prompt_text_editor
from pages._ui import friendly_errors, run_action, services

TAB_TITLES = {
    "experts": "Expert",
    "personas": "Clients",
    "arcs": "Emotional journeys",
    "topics": "Topics",
    "templates": "Prompts",
}
NEW = ""

svc = services()
scaffolding = svc.scaffolding
st.title("Scaffolding")
st.caption(
    "Who you are, who your clients are, how they feel on the way, what they ask about, and the prompts "
    "Claude writes conversations from. Point at the question mark beside a field for an explanation."
)
if notice := st.session_state.pop("scaffolding_notice", None):
    st.toast(notice, icon=":material/check_circle:")  # a toast leaves the layout (and the open tab) as it was

if wants_draft(svc):

    def drafted(summary: str) -> None:
        st.session_state["scaffolding_notice"] = summary

    draft_section(svc, on_saved=drafted)

if not scaffolding.list("arcs"):
    st.info(
        "No emotional journeys yet. Start from ten ready-made journeys, each with its prompt (they suit any "
        "field of work; edit them freely), or add your own below."
    )
    installed = st.button("Add the starter journeys and prompts", key="install_defaults", type="primary")
    if installed and run_action("Adding…", lambda: install_starter(scaffolding)) is not None:
        st.rerun()


def a_or_an(label: str) -> str:
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"


def compatibility_check() -> None:
    personas, arcs, topics = (scaffolding.list(k, active_only=True) for k in ("personas", "arcs", "topics"))
    if not (personas and arcs and topics):
        return
    st.subheader("Do they fit together?", help=COMPATIBILITY_HELP)
    c1, c2, c3, c4 = st.columns([3, 3, 3, 2])
    persona = c1.selectbox("Client", personas, format_func=lambda p: p.name, key="compat_persona")
    arc = c2.selectbox("Emotional journey", arcs, format_func=lambda a: a.name, key="compat_arc")
    topic = c3.selectbox("Topic", topics, format_func=lambda t: t.name, key="compat_topic")
    result = scaffolding.compatibility(persona.persona_key, arc.arc_key, topic.topic_key)
    # The same words as the Generate page, for the same score.
    verdict = "Good fit" if result.score >= 0.99 else "Some mismatch" if result.score >= 0.6 else "Poor fit"
    c4.metric("How well they fit", verdict, help=COMPATIBILITY_HELP)
    for warning in result.warnings:
        st.warning(warning)


def reference_names() -> Names:
    return {k: {r.key: r.name for r in scaffolding.list(k)} for k in ("personas", "arcs", "topics")}  # type: ignore[misc]


def kind_tab(kind: Kind, names: Names) -> None:
    info = KIND_INFO[kind]
    saved_here = st.session_state.get("scaffolding_saved")
    if saved_here and saved_here[0] == kind:  # what was just saved, said where it was saved (a toast goes by)
        st.success(saved_here[1], icon=":material/check_circle:")
        del st.session_state["scaffolding_saved"]
    records = scaffolding.list(kind)
    if records:
        st.dataframe(
            [{"Name": getattr(r, "name", r.key), "In use": "Yes" if r.is_active else "No (paused)"} for r in records],
            hide_index=True,
            width="stretch",
            key=f"table_{kind}",
        )
    if kind == "personas":
        client_fields_section(svc)
    by_id = {r.id: r for r in records}
    pick_key = f"pick_{kind}"
    if (wanted := st.session_state.pop(f"{pick_key}_next", None)) is not None:
        st.session_state[pick_key] = wanted if wanted in by_id or wanted == NEW else NEW
    choice = st.selectbox(
        f"Choose {a_or_an(info.label)} to edit, or add a new one",
        [NEW, *by_id],
        format_func=lambda i: f"Add a new {info.label}" if i == NEW else getattr(by_id[i], "name", by_id[i].key),
        # There is usually one expert: you, so the page opens on your profile rather than a blank one.
        index=1 if kind == "experts" and records and pick_key not in st.session_state else 0,
        key=pick_key,
    )
    record = by_id.get(choice)
    if record is not None:
        left, right, _ = st.columns([2, 1, 3])
        label = "Pause (hide from Generate)" if record.is_active else "Use again"
        if left.button(label, key=f"toggle_{kind}"):
            with friendly_errors():
                scaffolding.set_active(kind, record.key, not record.is_active)
                st.rerun()
        delete_button(scaffolding, kind, record, right)
    nonce = st.session_state.get(f"form_nonce_{kind}", 0)
    prompt_text = None
    if kind == "templates":  # outside the form: a placeholder click and the preview answer at once
        current = record.template_text if record is not None else ""
        prompt_text = prompt_text_editor(svc, current, key=f"prompt_text_{choice or 'new'}_{nonce}")
    values = record_form(
        info.model,
        record,
        form_key=f"form_{kind}_{choice or 'new'}_{nonce}",
        names=names,
        submit="Save" if record is not None else f"Add {info.label}",
        skip=frozenset({"template_text"}) if prompt_text is not None else frozenset(),
        client_fields=svc.client_fields.list() if kind == "personas" else None,
    )
    if values is not None:
        if prompt_text is not None:
            values["template_text"] = prompt_text
        with friendly_errors():
            saved = scaffolding.save(kind, values)
            st.session_state["scaffolding_saved"] = (kind, f"Saved {info.label} “{getattr(saved, 'name', saved.key)}”.")
            st.session_state[f"{pick_key}_next"] = saved.id
            st.session_state[f"form_nonce_{kind}"] = nonce + 1
            st.rerun()


undo_banner(scaffolding)
compatibility_check()
names = reference_names()
# A key keeps the open tab when what is above it changes (the starter offer goes once a journey exists).
tabs = st.tabs([TAB_TITLES[k] for k in KINDS], key="scaffolding_tab", on_change="rerun")
for tab, kind in zip(tabs, KINDS, strict=True):
    with tab:
        kind_tab(kind, names)

with st.expander("Import or export all scaffolding (JSON, CSV)", icon=":material/swap_vert:"):
    transfer_section(scaffolding)
