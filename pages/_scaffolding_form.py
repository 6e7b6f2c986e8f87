"""A form for any scaffolding record, built from its pydantic model's fields and their plain words.

A "New" form starts blank (required fields empty, others at their default); references to other
scaffolding are pickers of names; the key is made from the name and shown only under "Advanced".
"""

from __future__ import annotations

import types
import typing
from typing import Any

import streamlit as st
from pydantic import BaseModel

from core.models.projects import ClientField, field_name
from core.scaffolding.fields import (
    KEY_FIELDS,
    LONG_TEXT,
    REFERENCES,
    TIER_LABELS,
    RefKind,
    blank_value,
    custom_values,
    editable_fields,
    field_text,
)

#: For each kind of referenced scaffolding: key -> display name.
Names = dict[RefKind, dict[str, str]]


def _base(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return _base(next(a for a in typing.get_args(annotation) if a is not type(None)))
    if origin is typing.Annotated:
        return _base(typing.get_args(annotation)[0])
    return annotation


def _optional(annotation: Any) -> bool:
    return type(None) in typing.get_args(annotation)


def _reference(name: str, value: Any, names: Names, key: str, help_text: str, label: str) -> Any:
    known = names.get(REFERENCES[name], {})

    def show(k: str) -> str:
        return known.get(k, f"{k} (not found)")

    if name == "emotional_arc_type":
        options = list(known) + ([value] if value and value not in known else [])
        index = options.index(value) if value in options else None
        return st.selectbox(
            label,
            options,
            index=index,
            format_func=show,
            key=key,
            help=help_text,
            placeholder="Choose an emotional journey",
        )
    chosen = list(value or [])
    options = list(known) + [k for k in chosen if k not in known]
    return st.multiselect(
        label, options, default=chosen, format_func=show, key=key, help=help_text, placeholder="Any (leave empty)"
    )


def _widget(name: str, annotation: Any, value: Any, key: str, names: Names) -> Any:
    text = field_text(name)
    label, help_text = text.label, text.help or None
    if name in REFERENCES:
        return _reference(name, value, names, key, text.help, label)
    base = _base(annotation)
    origin = typing.get_origin(base)
    if origin is typing.Literal:
        options = list(typing.get_args(base))
        return st.selectbox(
            label,
            options,
            index=options.index(value) if value in options else 0,
            key=key,
            format_func=lambda v: TIER_LABELS.get(v) or str(v).replace("_", " ").capitalize(),
            help=help_text,
        )
    if base is bool:
        return st.checkbox(label, value=bool(value), key=key, help=help_text)
    if base is int:
        return st.number_input(label, value=int(value or 0), step=1, key=key, help=help_text)
    if base is float:
        start = None if value is None and _optional(annotation) else float(value or 0.0)
        return st.number_input(label, value=start, step=0.05, format="%.2f", key=key, help=help_text)
    if origin is list or base is list:
        entered = st.text_area(label, value="\n".join(value or []), key=key, help=help_text, placeholder="One per line")
        return [line.strip() for line in entered.splitlines() if line.strip()]
    if origin is dict or base is dict:
        lines = "\n".join(f"{k}: {v}" for k, v in (value or {}).items())
        entered = st.text_area(label, value=lines, key=key, help=help_text, placeholder="name: value")
        pairs = (line.split(":", 1) for line in entered.splitlines() if ":" in line)
        return {k.strip(): v.strip() for k, v in pairs}
    if name in LONG_TEXT:
        height = 300 if name == "template_text" else 100
        return st.text_area(label, value=value or "", height=height, key=key, help=help_text)
    return st.text_input(label, value=value or "", key=key, help=help_text)


def _custom_fields(current: dict[str, str], fields: list[ClientField], key: str) -> dict[str, str]:
    """One box per custom field the project declares, in its words; returns the values given, with whatever
    else the client holds that is no declared field (kept as it was: nothing is lost by saving)."""
    declared = {f.name for f in fields}
    kept = {k: v for k, v in (current or {}).items() if field_name(k) not in declared}
    if not fields:
        st.caption("Custom fields: none yet. Add the fields your work needs under “Custom fields” above.")
        return kept
    st.markdown("**Custom fields**", help=field_text("demographics").help)
    found = custom_values(current or {}, fields)
    entered = {
        f.name: st.text_input(f.label, value=found.get(f.name, ""), key=f"{key}_{f.name}", help=f.help or None)
        for f in fields
    }
    return {**kept, **{name: value.strip() for name, value in entered.items() if value.strip()}}


def record_form(
    model: type[BaseModel],
    record: BaseModel | None,
    *,
    form_key: str,
    names: Names,
    submit: str = "Save",
    skip: frozenset[str] = frozenset(),
    client_fields: list[ClientField] | None = None,
) -> dict[str, Any] | None:
    """Render the fields of ``model`` (pre-filled from ``record``) but those in ``skip`` (the page draws
    them itself); return the values when submitted. A client's custom fields are exactly ``client_fields``
    (the project's), one box each."""
    values: dict[str, Any] = {}
    fields = {n: f for n, f in editable_fields(model).items() if n not in skip}
    with st.form(form_key):
        for name, field in fields.items():
            if name in KEY_FIELDS:
                continue
            current = getattr(record, name) if record is not None else blank_value(field)
            if name == "demographics" and client_fields is not None:
                values[name] = _custom_fields(current, client_fields, f"{form_key}_{name}")
                continue
            values[name] = _widget(name, field.annotation, current, f"{form_key}_{name}", names)
        for name in KEY_FIELDS & fields.keys():
            with st.expander("Advanced"):
                text = field_text(name)
                current = getattr(record, name) if record is not None else ""
                help_text = text.help + " Changing it later updates the other scaffolding that lists it."
                values[name] = st.text_input(
                    text.label,
                    value=current,
                    key=f"{form_key}_{name}",
                    help=help_text,
                    placeholder="Made from the name",
                )
        submitted = st.form_submit_button(submit, type="primary")
    if not submitted:
        return None
    if record is not None:
        values["id"] = record.id  # type: ignore[attr-defined]
    return values
