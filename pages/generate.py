"""Generate one conversation: pick the client, journey and topic, see the plan and the cost, let Claude write it."""

from __future__ import annotations

import streamlit as st

from core.errors import BrightRunError
from core.names import Names
from pages._generate_widgets import KEY_HELP, pickers, recent_section, show_last_result, show_plan, template_picker
from pages._ui import empty_state, page_link, reviewer_name, services, show_error, signed_in_user

svc = services()
st.title("Generate")
st.caption("Claude writes one conversation between your expert and a client, following an emotional journey.")
personas = svc.scaffolding.list("personas", active_only=True)
arcs = svc.scaffolding.list("arcs", active_only=True)
topics = svc.scaffolding.list("topics", active_only=True)
if not (personas and arcs and topics and svc.scaffolding.active_expert()):
    empty_state(
        "Writing a conversation needs an expert, clients, emotional journeys and topics. "
        "Install the defaults or load the demo to start.",
        page="pages/scaffolding.py",
        label="Go to Scaffolding",
    )

names = Names.of(svc.scaffolding)
persona, arc, topic, tier = pickers(personas, arcs, topics)
keys = (persona.persona_key, arc.arc_key, topic.topic_key)
try:
    plan = svc.generation.preview(*keys, tier=tier)
    template_name = template_picker(plan.ranked)
    if template_name != plan.template.template_name:
        plan = svc.generation.preview(*keys, tier=tier, template_name=template_name)
except BrightRunError as err:
    show_error(err)
    st.stop()

show_plan(plan)

has_key = svc.settings.has_claude_key
if not has_key:
    st.info(KEY_HELP, icon=":material/key_off:")
    page_link("pages/settings.py", label="Open Settings to add your key", icon=":material/key:")
enrich = st.toggle(
    "Enrich right after writing",
    value=svc.settings.enrich_after_generate,
    key="generate_enrich_after",
    help="Scores the conversation and builds its training pairs at once, so it reaches Review ready to grade.",
)
if st.button("Generate", type="primary", disabled=not has_key, key="generate_run", icon=":material/auto_awesome:"):
    user = signed_in_user()
    with st.status("Claude is writing the conversation…", expanded=True) as status:
        st.write("This usually takes under a minute.")
        try:
            done = svc.actions.generate(
                *keys,
                tier=tier,
                template_name=plan.template.template_name,
                created_by=user.id if user else None,
                enrich=enrich,
            )
        except BrightRunError as err:
            status.update(label="The conversation could not be started", state="error")
            show_error(err)
            st.stop()
        result = done.result
        st.session_state["generate_last"] = {
            "conversation_id": result.conversation_id,
            "failure": None if result.ok else result.message,
            "cost": result.cost_usd,
            "message": done.message,
        }
        if result.ok:
            st.session_state["generate_pick_version"] = st.session_state.get("generate_pick_version", 0) + 1
            status.update(label=done.message, state="complete", expanded=False)
        else:
            status.update(label="Writing failed: the reason was recorded", state="error")

show_last_result(svc, names)

recent = svc.enrichment.recent(20)
recent_section(svc, names, recent, has_key=has_key, who=reviewer_name() or "Generate page")
