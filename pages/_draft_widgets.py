"""Draft my clients, journeys and topics: the cost first, then Claude's proposals, each kept, edited or dropped,
and the kept ones added to the current project. Shown on Projects (after a new project is made) and on
Scaffolding while the project has no clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.bootstrap import Services
from core.errors import BrightRunError
from core.models.base import Record
from core.models.scaffolding import EmotionalArc, Persona, TrainingTopic
from core.scaffolding.draft_reply import StarterSet
from pages._scaffolding_form import Names, record_form
from pages._ui import attempt, friendly_errors, page_link, show_error

TITLE = "Draft my clients, journeys and topics"
KEEP, DROP = "keep", "drop"
SECTIONS = (("clients", "Clients"), ("journeys", "Emotional journeys"), ("topics", "Topics"))


def wants_draft(svc: Services) -> bool:
    """Offered in a project of the expert's own (not the demo) that has no clients yet."""
    return not svc.project.is_demo and not svc.scaffolding.list("personas", include_deleted=True)


def _state(svc: Services) -> dict[str, Any]:
    """This project's drafting state in the browser session: the proposals, a choice per item, the one edited."""
    found: dict[str, Any] = st.session_state.setdefault(f"draft_{svc.project_id}", {})
    return found


def draft_section(svc: Services, *, on_saved: Callable[[str], None]) -> None:
    """The whole step, in a bordered box; ``on_saved`` gets the summary once the kept items are added."""
    state = _state(svc)
    with st.container(border=True, key="draft_box"):
        st.subheader(TITLE)
        st.caption(
            f"For “{svc.project.name}”: Claude reads the project's name, the expert in a few sentences and the field "
            "of work, and proposes a few clients, emotional journeys and topics to start from. You keep, edit or "
            "drop each one; nothing is added until you say so."
        )
        proposals: StarterSet | None = state.get("set")
        if proposals is None:
            _before(svc, state)
        else:
            _proposals(svc, state, proposals, on_saved)


def _before(svc: Services, state: dict[str, Any]) -> None:
    project = svc.project
    about = st.text_area(
        "About the expert (Claude drafts from this)",
        value=project.description,
        key=f"draft_about_{project.id}",
        height=90,
        help="Who the expert is, who they help and how. Change it and what Claude will read follows; it is "
        "kept with the project when you draft.",
    ).strip()
    plan, error = attempt("Preparing…", lambda: svc.drafting.plan(description=about))
    if error is not None:
        show_error(error)
        return
    st.markdown(f"Expected cost: about **\\${plan.estimate_usd:.3f}** (you pay only for what Claude writes).")
    with st.expander("What Claude will read"):
        st.text(plan.prompt)
    if not plan.has_key:
        st.info(
            "Drafting needs your Claude key. Open Settings, paste the key, click Test key, then Save key, and come "
            "back here. Until then, add clients, emotional journeys and topics yourself on Scaffolding: the forms "
            "work without a key.",
            icon=":material/key_off:",
        )
        page_link("pages/settings.py", label="Open Settings to add your key", icon=":material/key:")
        return
    if failed := state.get("error"):
        show_error(failed)
    label = "Try again" if state.get("error") else TITLE
    if st.button(label, key="draft_run", type="primary", icon=":material/auto_awesome:"):
        if about != project.description:  # what Claude reads is what the project says
            svc.projects.update(project.slug, description=about)
        found, error = attempt("Claude is drafting… (usually under a minute)", lambda: svc.drafting.draft(plan))
        if error is not None:
            state["error"] = error
        else:
            state.clear()
            state.update({"set": found, "choice": {}, "editing": None})
        st.rerun()


def _summary(record: Record) -> str:
    if isinstance(record, Persona):
        return " — ".join(t for t in (record.archetype, record.financial_situation or "") if t)
    if isinstance(record, EmotionalArc):
        return f"From {record.starting_emotion} to {record.ending_emotion}. {record.arc_strategy}".strip()
    if isinstance(record, TrainingTopic):
        return record.description
    return ""


def _proposals(svc: Services, state: dict[str, Any], found: StarterSet, on_saved: Callable[[str], None]) -> None:
    st.caption(f"This draft cost \\${found.cost_usd:.3f}.")
    if found.cut_off:
        st.warning("Claude's answer was cut off before it ended: these are the items that were complete.")
    if found.skipped:
        st.warning(f"{found.skipped} of the items Claude wrote could not be used and are left out.")
    choice: dict[str, str] = state["choice"]
    names: Names = {k: {r.key: r.name for r in svc.scaffolding.list(k)} for k in ("personas", "arcs", "topics")}  # type: ignore[misc]
    for field, heading in SECTIONS:
        items: list[Record] = getattr(found, field)
        if not items:
            continue
        st.markdown(f"**{heading}**")
        for index, record in enumerate(items):
            _item(svc, state, found, field, index, record, names)
    kept = [r for field, _ in SECTIONS for r in getattr(found, field) if choice.get(r.id, KEEP) == KEEP]
    left, right = st.columns([2, 1])
    if left.button(
        f"Add the kept ones ({len(kept)})",
        key="draft_accept",
        type="primary",
        disabled=not kept or state.get("editing") is not None,
        icon=":material/playlist_add_check:",
    ):
        with friendly_errors():
            done = svc.drafting.accept(kept)
            state.clear()
            on_saved(done.summary())
            st.rerun()
    if right.button("Discard this draft", key="draft_discard", icon=":material/close:"):
        state.clear()
        st.rerun()


def _item(
    svc: Services,
    state: dict[str, Any],
    found: StarterSet,
    field: str,
    index: int,
    record: Record,
    names: Names,
) -> None:
    choice: dict[str, str] = state["choice"]
    dropped = choice.get(record.id, KEEP) == DROP
    name = getattr(record, "name", "")
    with st.container(border=True, key=f"draft_item_{field}_{index}"):
        text, keep, edit, drop = st.columns([7, 2, 1, 1], vertical_alignment="center")
        title = f"~~{name}~~ (dropped)" if dropped else f"**{name}**"
        text.markdown(f"{title}  \n{_summary(record)}")
        label, icon = ("Keep", None) if dropped else ("Kept", ":material/check:")
        if keep.button(label, key=f"draft_keep_{field}_{index}", disabled=not dropped, icon=icon):
            choice[record.id] = KEEP
            st.rerun()
        if edit.button("Edit", key=f"draft_edit_{field}_{index}"):
            state["editing"] = record.id
            st.rerun()
        if drop.button("Drop", key=f"draft_drop_{field}_{index}", disabled=dropped):
            choice[record.id] = DROP
            if state.get("editing") == record.id:
                state["editing"] = None
            st.rerun()
        if state.get("editing") == record.id:
            _edit(svc, state, found, field, index, record, names)


def _edit(
    svc: Services,
    state: dict[str, Any],
    found: StarterSet,
    field: str,
    index: int,
    record: Record,
    names: Names,
) -> None:
    values = record_form(
        type(record),
        record,
        form_key=f"draft_form_{field}_{index}",
        names=names,
        submit="Save changes",
        client_fields=svc.client_fields.list() if isinstance(record, Persona) else None,
    )
    if st.button("Cancel", key=f"draft_cancel_{field}_{index}"):
        state["editing"] = None
        st.rerun()
    if values is None:
        return
    try:
        revised = svc.drafting.revise(record, values)
    except BrightRunError as err:
        show_error(err)
        return
    items = list(getattr(found, field))
    items[index] = revised
    state["set"] = found.model_copy(update={field: items})
    state["choice"][revised.id] = KEEP
    state["editing"] = None
    st.rerun()
