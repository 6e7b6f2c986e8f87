"""The prompt editor of the Scaffolding page: the prompt text, every placeholder it may use (a click adds
one), and the prompt as Claude would get it for a chosen client, emotional journey and topic."""

from __future__ import annotations

import streamlit as st

from core.bootstrap import Services
from core.errors import BrightRunError
from core.scaffolding.fields import field_text


def _insert(text_key: str, pick_key: str) -> None:
    """Add the picked placeholder to the end of the prompt text (a callback runs before the next run draws)."""
    name = st.session_state.get(pick_key)
    if name:
        text = str(st.session_state.get(text_key) or "").rstrip()
        st.session_state[text_key] = f"{text} {{{{ {name} }}}}" if text else f"{{{{ {name} }}}}"
    st.session_state[pick_key] = None


def _placeholder_picker(svc: Services, text_key: str) -> None:
    offered = svc.generation.placeholders()
    st.markdown("**Placeholders** · click one to add it to the prompt text; each is filled in for every conversation")
    groups: dict[str, list[str]] = {}
    meanings = {p.name: p.meaning for p in offered}
    for p in offered:
        groups.setdefault(p.group, []).append(p.name)
    for group, names in groups.items():
        pick_key = f"{text_key}_pick_{group}"
        st.pills(
            group,
            names,
            format_func=lambda n: "{{ " + n + " }}",
            key=pick_key,
            on_change=_insert,
            args=(text_key, pick_key),
        )
    with st.expander("What each placeholder holds"):
        st.dataframe(
            [{"Placeholder": "{{ " + n + " }}", "Holds": m} for n, m in meanings.items()],
            hide_index=True,
            width="stretch",
        )


def _preview(svc: Services, text: str, key: str) -> None:
    scaffolding = svc.scaffolding
    clients = scaffolding.list("personas", active_only=True)
    journeys = scaffolding.list("arcs", active_only=True)
    topics = scaffolding.list("topics", active_only=True)
    st.markdown("**Preview** · the prompt as Claude gets it, for one client, emotional journey and topic")
    if not (clients and journeys and topics):
        st.caption("Add a client, an emotional journey and a topic to see the prompt filled in.")
        return
    c1, c2, c3 = st.columns(3)
    client = c1.selectbox("Client to try", clients, format_func=lambda p: p.name, key=f"{key}_client")
    journey = c2.selectbox("Journey to try", journeys, format_func=lambda a: a.name, key=f"{key}_journey")
    topic = c3.selectbox("Topic to try", topics, format_func=lambda t: t.name, key=f"{key}_topic")
    if not text.strip():
        st.caption("Write the prompt above to see it here.")
        return
    try:
        rendered = svc.generation.render_draft(text, client.persona_key, journey.arc_key, topic.topic_key)
    except BrightRunError as err:
        st.warning(err.user_message, icon=":material/warning:")
        return
    with st.container(height=320, key=f"{key}_rendered"):
        st.markdown(rendered)


def prompt_text_editor(svc: Services, current: str, *, key: str) -> str:
    """The prompt text box with its placeholders and live preview; returns the text as it stands."""
    if key not in st.session_state:
        st.session_state[key] = current
    words = field_text("template_text")
    text = str(st.text_area(words.label, key=key, height=300, help=words.help))
    _placeholder_picker(svc, key)
    _preview(svc, text, key)
    return text
