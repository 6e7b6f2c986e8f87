"""Widget groups of the Generate page: scaffolding pickers, the plan preview, the result, recent conversations."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.bootstrap import Services
from core.dates import moment
from core.generation.plan import GenerationPlan
from core.generation.template_selection import RankedTemplate
from core.models.conversation import Conversation
from core.models.scaffolding import TIERS, EmotionalArc, Persona, Tier, TrainingTopic
from core.models.status_labels import status_badge, status_text
from core.names import Names, humanize
from core.scaffolding.fields import COMPATIBILITY_HELP, TIER_HELP, TIER_LABELS
from pages._ui import PROJECT_PARAM, current_project_slug, page_link, run_action, unique_labels

KEY_HELP = "Add your Claude key on the Settings page to write conversations. Everything else here works without it."


def pickers(
    personas: list[Persona], arcs: list[EmotionalArc], topics: list[TrainingTopic]
) -> tuple[Persona, EmotionalArc, TrainingTopic, Tier]:
    """Persona, arc, topic and kind; the kind follows the arc's own until changed."""
    left, middle, right, last = st.columns([3, 3, 3, 2])
    persona = left.selectbox(
        "Client", personas, format_func=lambda p: f"{p.name} · {p.archetype}", key="generate_persona"
    )
    arc = middle.selectbox("Emotional journey", arcs, format_func=lambda a: a.name, key="generate_arc")
    topic = right.selectbox("Topic", topics, format_func=lambda t: t.name, key="generate_topic")
    tier = last.selectbox(
        "Kind of conversation",
        TIERS,
        index=TIERS.index(arc.tier),
        format_func=lambda t: TIER_LABELS.get(t, t),
        help=TIER_HELP,
        key=f"generate_tier_{arc.arc_key}",
    )
    return persona, arc, topic, tier


def template_picker(ranked: list[RankedTemplate]) -> str:
    """The template to use, best ranked first, each with its one-line reason."""
    chosen = st.radio(
        "Prompt template (best match first)",
        ranked,
        format_func=lambda r: f"{r.template.template_name}: {r.reason}",
        key="generate_template",
    )
    return (chosen or ranked[0]).template.template_name


def _fit(score: float) -> str:
    return "Good fit" if score >= 0.99 else "Some mismatch" if score >= 0.6 else "Poor fit"


def show_plan(plan: GenerationPlan) -> None:
    if plan.model_warning:
        st.warning(plan.model_warning, icon=":material/warning:")
    score = plan.compatibility.score
    cols = st.columns(3)
    cols[0].metric("How well they fit", _fit(score), help=COMPATIBILITY_HELP)
    cols[1].metric("Expected cost", f"${plan.estimate.cost_usd:.4f}", help="Estimated from the prompt's length.")
    cols[2].metric("Turns planned", plan.arc.target_turn_count)
    for warning in plan.compatibility.warnings:
        st.warning(warning, icon=":material/join_inner:")
    with st.expander("Advanced: model, limits and the exact prompts"):
        st.caption(
            f"Model {plan.request.model} · reply limit {plan.request.max_tokens:,} tokens (the longest answer "
            f"Claude may write) · about {plan.estimate.usage.input_tokens:,} tokens in and "
            f"{plan.estimate.usage.output_tokens:,} out · fit score {score:.2f}"
        )
        st.markdown("**System prompt** (the expert part is cached between calls)")
        st.code(plan.system_prompt, language="markdown", wrap_lines=True)
        st.markdown("**User prompt**")
        st.code(plan.user_prompt, language="markdown", wrap_lines=True)
        st.caption("The placeholders a prompt may use are listed under its text on Scaffolding → Prompts.")


def show_chat(turns: list[Any]) -> None:
    """The conversation as chat bubbles, each turn with its emotion and intensity."""
    for turn in turns:
        with st.chat_message("user" if turn.role == "user" else "assistant"):
            st.markdown(turn.content)
            intensity = f" · intensity {turn.intensity:.1f}" if turn.intensity is not None else ""
            st.caption(f"{humanize(turn.emotion) if turn.emotion else 'No emotion recorded'}{intensity}")


def open_for_review(conversation_id: str, key: str, label: str = "Open it for review") -> None:
    """Open the conversation at its own address (in this project); nothing is left behind for the Review page."""
    if st.button(label, key=key, icon=":material/fact_check:"):
        st.switch_page(
            "pages/conversation.py", query_params={"id": conversation_id, PROJECT_PARAM: current_project_slug()}
        )


def show_last_result(svc: Services, names: Names) -> None:
    """The conversation or failure produced by the last click (kept across reruns)."""
    last = st.session_state.get("generate_last")
    if not last:
        return
    if last.get("failure"):
        st.error(last["failure"], icon=":material/error:")
        page_link("pages/failed_generations.py", label="See what went wrong", icon=":material/report:")
        return
    detail = run_action("Opening the conversation…", lambda: svc.review.detail(last["conversation_id"]))
    if detail is None:
        return
    row = detail.conversation
    st.subheader(names.conversation(row))
    st.markdown(
        f"{row.turn_count} turns · cost ${last['cost']:.4f} · "
        f"{status_badge('enrichment', row.enrichment_status)} {status_badge('review', row.review_status)}"
    )
    if last.get("message"):
        st.caption(last["message"])
    show_chat(detail.turns)
    open_for_review(row.conversation_id, "generate_open_review")


def recent_section(svc: Services, names: Names, recent: list[Conversation], *, has_key: bool, who: str) -> None:
    """The latest conversations with Regenerate and Delete (undo right after)."""
    st.subheader("Recent conversations")
    if undo := st.session_state.get("generate_undo"):
        cols = st.columns([4, 1])
        cols[0].success(f"Deleted “{undo['name']}”.", icon=":material/delete:")
        if cols[1].button("Undo", key="generate_undo_delete", icon=":material/undo:"):
            run_action("Restoring…", lambda: svc.actions.undo_delete(undo["id"]))
            st.session_state.pop("generate_undo", None)
            st.session_state["generate_notice"] = f"Restored “{undo['name']}”."
            st.rerun()
    if notice := st.session_state.pop("generate_notice", None):
        st.success(notice, icon=":material/task_alt:")
    if not recent:
        st.caption("Conversations you write appear here.")
        return
    by_id = {r.conversation_id: r for r in recent}
    # A new widget (new key) after each write, so the conversation just written comes up first.
    version = st.session_state.get("generate_pick_version", 0)
    labels = unique_labels(
        {
            cid: f"{names.conversation(r)} · {moment(r.created_at)} · {status_text('review', r.review_status)}"
            for cid, r in by_id.items()
        }
    )
    picked = st.selectbox(
        "Conversation", list(by_id), format_func=labels.__getitem__, key=f"generate_recent_pick_{version}"
    )
    row = by_id[picked]
    st.markdown(
        f"{status_badge('enrichment', row.enrichment_status)} {status_badge('review', row.review_status)}"
        + (f" · quality {row.quality_score:.1f}" if row.quality_score is not None else "")
    )
    actions = st.columns(3)
    if actions[0].button(
        "Regenerate",
        key="generate_regenerate",
        icon=":material/refresh:",
        disabled=not has_key,
        help="A new attempt from the same client, journey, topic and template; this one is archived and linked.",
    ):
        reasons = run_action("Checking…", lambda: svc.actions.replacing_needs(picked))
        if reasons:  # approved, or in a training file: ask first, nothing is written or paid for yet
            st.session_state["generate_confirm_replace"] = {"id": picked, "reasons": reasons}
            st.rerun()
        elif reasons is not None:
            _regenerate(svc, picked, who, confirm=False)
    asked = st.session_state.get("generate_confirm_replace")
    if asked and asked["id"] == picked:
        st.warning(
            f"Regenerating “{names.conversation(row)}” archives it, and {' and '.join(asked['reasons'])}. "
            "Write a new attempt anyway?",
            icon=":material/warning:",
        )
        yes, no = st.columns(2)
        if yes.button("Yes, regenerate", key="generate_confirm_replace_yes", type="primary"):
            st.session_state.pop("generate_confirm_replace", None)
            _regenerate(svc, picked, who, confirm=True)
        if no.button("Cancel", key="generate_confirm_replace_no"):
            st.session_state.pop("generate_confirm_replace", None)
            st.rerun()
    deleted = actions[1].button("Delete", key="generate_delete", icon=":material/delete:", help="You can undo this.")
    if deleted and run_action("Deleting…", lambda: svc.actions.delete(picked)) is not None:
        st.session_state["generate_undo"] = {"id": picked, "name": names.conversation(row)}
        st.rerun()
    with actions[2]:
        open_for_review(picked, "generate_recent_open", "Open for review")


def _regenerate(svc: Services, picked: str, who: str, *, confirm: bool) -> None:
    with st.spinner("Writing a new attempt…"):
        done = run_action("Writing a new attempt…", lambda: svc.actions.regenerate(picked, by=who, confirm=confirm))
    if done is not None:
        st.session_state["generate_last"] = {
            "conversation_id": done.result.conversation_id,
            "failure": None if done.result.ok else done.result.message,
            "cost": done.result.cost_usd,
            "message": done.message,
        }
        st.session_state["generate_pick_version"] = st.session_state.get("generate_pick_version", 0) + 1
        st.rerun()
