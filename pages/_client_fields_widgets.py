"""The Clients tab's custom fields: the fields this project's clients have besides the general ones. Add one,
rename it or remove it, in plain words; the client form and the prompts' placeholders follow."""

from __future__ import annotations

import streamlit as st

from core.bootstrap import Services
from pages._ui import run_action

INTRO = (
    "Every client has the general fields (who they are, situation, background, what they want, how they talk). "
    "Add the fields your own work needs (for example: career stage). Each one shows on the client form and can "
    "be used in prompts."
)


def _said(text: str) -> None:
    """Say what was done inside the Clients tab on the next run (the tab shows it above its table)."""
    st.session_state["scaffolding_saved"] = ("personas", text)
    st.rerun()


def _add(svc: Services) -> None:
    with st.form("client_field_add", clear_on_submit=True):
        left, right = st.columns(2)
        label = left.text_input("New field", placeholder="For example: career stage")
        help_text = right.text_input("What to write in it (optional)", placeholder="For example: early, mid or late")
        added = st.form_submit_button("Add field", icon=":material/add:")
    if added:
        field = run_action("Adding…", lambda: svc.client_fields.add(label, help_text))
        if field is not None:
            _said(f"Added the field “{field.label}”: it is on the client form and in the prompts' placeholders.")


def _edit(svc: Services) -> None:
    fields = {f.name: f for f in svc.client_fields.list()}
    if not fields:
        return
    name = st.selectbox(
        "Field to rename or remove", list(fields), format_func=lambda n: fields[n].label, key="client_field_pick"
    )
    field = fields[name]
    with st.form(f"client_field_edit_{name}"):
        left, right = st.columns(2)
        label = left.text_input("Field name", value=field.label)
        help_text = right.text_input("What to write in it", value=field.help)
        saved = st.form_submit_button("Save field", icon=":material/save:")
    if saved:
        changed = run_action("Saving…", lambda: svc.client_fields.change(name, label, help_text))
        if changed is not None:
            _said(f"Saved the field “{changed.label}”; clients and prompts that use it follow the new name.")
    used = svc.client_fields.clients_using(name)
    sure = True
    if used:
        sure = st.checkbox(
            f"Also delete what {used} client{'s' if used != 1 else ''} wrote in “{field.label}”",
            key=f"client_field_sure_{name}",
        )
    remove = st.button(
        f"Remove “{field.label}”", key=f"client_field_remove_{name}", icon=":material/delete:", disabled=not sure
    )
    if remove and run_action("Removing…", lambda: svc.client_fields.remove(name)) is not None:
        _said(f"Removed the field “{field.label}”.")


def client_fields_section(svc: Services) -> None:
    """The project's custom client fields, in an expander on the Clients tab."""
    fields = svc.client_fields.list()
    title = f"Custom fields ({', '.join(f.label for f in fields)})" if fields else "Custom fields (none yet)"
    with st.expander(title, icon=":material/tune:"):
        st.caption(INTRO)
        _add(svc)
        _edit(svc)
