"""Widget groups of the Generate page: scaffolding pickers, the plan preview, the result as a chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from core.bootstrap import Services
from core.generation.plan import GenerationPlan
from core.generation.template_selection import RankedTemplate
from core.generation.variables import TEMPLATE_VARIABLES
from core.models.scaffolding import TIERS, EmotionalArc, Persona, Tier, TrainingTopic

CONVERSATION_PAGE = Path(__file__).parent / "conversation.py"
KEY_HELP = (
    "Add a Claude API key to generate: set `ANTHROPIC_API_KEY` in the environment, or add the line "
    '`ANTHROPIC_API_KEY = "sk-ant-…"` to `.streamlit/secrets.toml`, then restart the app. '
    "Everything else on this page works without it."
)


def pickers(
    personas: list[Persona], arcs: list[EmotionalArc], topics: list[TrainingTopic]
) -> tuple[Persona, EmotionalArc, TrainingTopic, Tier]:
    """Persona, arc, topic and tier; the tier follows the arc's own tier until changed."""
    left, middle, right, last = st.columns([3, 3, 3, 2])
    persona = left.selectbox(
        "Persona", personas, format_func=lambda p: f"{p.name} · {p.archetype}", key="generate_persona"
    )
    arc = middle.selectbox("Emotional arc", arcs, format_func=lambda a: a.name, key="generate_arc")
    topic = right.selectbox("Topic", topics, format_func=lambda t: t.name, key="generate_topic")
    tier = last.selectbox("Tier", TIERS, index=TIERS.index(arc.tier), key=f"generate_tier_{arc.arc_key}")
    return persona, arc, topic, tier


def template_picker(ranked: list[RankedTemplate]) -> str:
    """The template to use, best ranked first, each with its one-line reason."""
    chosen = st.radio(
        "Template for this arc (ranked)",
        ranked,
        format_func=lambda r: f"{r.template.template_name} — score {r.score:.2f}: {r.reason}",
        key="generate_template",
    )
    return (chosen or ranked[0]).template.template_name


def show_plan(plan: GenerationPlan) -> None:
    if plan.model_warning:
        st.warning(plan.model_warning, icon=":material/warning:")
    score = plan.compatibility.score
    cols = st.columns(4)
    cols[0].metric("Compatibility", f"{score:.2f}")
    cols[1].metric("Input tokens (est.)", f"{plan.estimate.usage.input_tokens:,}")
    cols[2].metric("Output tokens (est.)", f"{plan.estimate.usage.output_tokens:,}")
    cols[3].metric("Cost (est.)", f"${plan.estimate.cost_usd:.4f}")
    for warning in plan.compatibility.warnings:
        st.warning(warning, icon=":material/join_inner:")
    st.caption(f"Model `{plan.request.model}` · max_tokens {plan.request.max_tokens:,} · tier `{plan.tier}`")
    with st.expander("System prompt (sent as `system`; the expert part is cached)"):
        st.code(plan.system_prompt, language="markdown", wrap_lines=True)
    with st.expander("User prompt"):
        st.code(plan.user_prompt, language="markdown", wrap_lines=True)
    with st.expander("Template variables"):
        st.caption("Templates may use these names; saving a template with any other name is refused.")
        st.code("\n".join(sorted(TEMPLATE_VARIABLES)), language="text")


def show_chat(parsed: dict[str, Any]) -> None:
    """The conversation as chat bubbles, each turn with its emotion and intensity."""
    for turn in parsed.get("turns", []):
        emotion = turn.get("emotional_context") or {}
        with st.chat_message("user" if turn.get("role") == "user" else "assistant"):
            st.markdown(turn.get("content", ""))
            st.caption(f"{emotion.get('primary_emotion', '?')} · intensity {float(emotion.get('intensity', 0)):.1f}")


def show_last_result(svc: Services) -> None:
    """The conversation or failure produced by the last click (kept across reruns)."""
    last = st.session_state.get("generate_last")
    if not last:
        return
    if last.get("failure"):
        st.error(last["failure"], icon=":material/error:")
        if last.get("report"):
            st.caption(f"Failure report: `{last['report']}`")
        return
    conversation = svc.db.conversations.find(last["conversation_id"])
    if conversation is None:
        return
    st.subheader(conversation.conversation_name)
    st.caption(
        f"Conversation `{conversation.conversation_id}` · {conversation.turn_count} turns · cost ${last['cost']:.4f}"
    )
    parsed = svc.conversations.read_json(conversation.file_path)
    if parsed:
        show_chat(parsed)
    if not CONVERSATION_PAGE.is_file():
        st.page_link("pages/review.py", label="Review it on the Review page", icon=":material/fact_check:")
    elif st.button("Open it for review", key="generate_open_review", icon=":material/fact_check:"):
        st.session_state["review_open_id"] = conversation.conversation_id
        st.switch_page("pages/conversation.py")
