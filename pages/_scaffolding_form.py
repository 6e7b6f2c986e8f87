"""A form for any scaffolding record, built from its pydantic model's fields."""

from __future__ import annotations

import types
import typing
from typing import Any

import streamlit as st
from pydantic import BaseModel

SKIP = {"id", "created_by", "created_at", "updated_at", "usage_count", "last_used_at", "is_active"}
LONG_TEXT = {"template_text", "description", "structure", "financial_background", "financial_situation", "expertise"}


def _base(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return _base(next(a for a in typing.get_args(annotation) if a is not type(None)))
    if origin is typing.Annotated:
        return _base(typing.get_args(annotation)[0])
    return annotation


def _widget(name: str, annotation: Any, value: Any, key: str) -> Any:
    label = name.replace("_", " ").capitalize()
    base = _base(annotation)
    origin = typing.get_origin(base)
    if origin is typing.Literal:
        options = list(typing.get_args(base))
        return st.selectbox(label, options, index=options.index(value) if value in options else 0, key=key)
    if base is bool:
        return st.checkbox(label, value=bool(value), key=key)
    if base is int:
        return st.number_input(label, value=int(value or 0), step=1, key=key)
    if base is float:
        return st.number_input(label, value=float(value or 0.0), step=0.05, format="%.2f", key=key)
    if origin is list or base is list:
        text = st.text_area(f"{label} (one per line)", value="\n".join(value or []), key=key)
        return [line.strip() for line in text.splitlines() if line.strip()]
    if origin is dict or base is dict:
        lines = "\n".join(f"{k}: {v}" for k, v in (value or {}).items())
        text = st.text_area(f"{label} (one 'name: value' per line)", value=lines, key=key)
        pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line)
        return {k.strip(): v.strip() for k, v in pairs}
    if name in LONG_TEXT:
        return st.text_area(label, value=value or "", height=300 if name == "template_text" else 100, key=key)
    return st.text_input(label, value=value or "", key=key)


def record_form(model: type[BaseModel], record: BaseModel | None, *, form_key: str) -> dict[str, Any] | None:
    """Render the fields of ``model`` (pre-filled from ``record``); return the values when submitted."""
    values: dict[str, Any] = {}
    with st.form(form_key):
        for name, field in model.model_fields.items():
            if name in SKIP:
                continue
            current = getattr(record, name) if record is not None else field.get_default(call_default_factory=True)
            values[name] = _widget(name, field.annotation, current, key=f"{form_key}_{name}")
        submitted = st.form_submit_button("Save", type="primary")
    if not submitted:
        return None
    if record is not None:
        values["id"] = record.id
    return values
