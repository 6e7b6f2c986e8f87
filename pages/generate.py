"""Generate one conversation: pick scaffolding, check the template and prompts, see the cost, call Claude."""

from __future__ import annotations

import streamlit as st

from core.errors import BrightRunError
from pages._generate_widgets import KEY_HELP, pickers, show_last_result, show_plan, template_picker
from pages._ui import empty_state, services, show_error

svc = services()
st.title("Generate")
personas = svc.scaffolding.list("personas", active_only=True)
arcs = svc.scaffolding.list("arcs", active_only=True)
topics = svc.scaffolding.list("topics", active_only=True)
if not (personas and arcs and topics and svc.scaffolding.active_expert()):
    empty_state(
        "Generation needs an expert profile, personas, emotional arcs and topics. Install the defaults first.",
        page="pages/scaffolding.py",
        label="Go to Scaffolding",
    )

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
if st.button("Generate", type="primary", disabled=not has_key, key="generate_run", icon=":material/auto_awesome:"):
    with st.status("Generating a conversation with Claude…", expanded=True) as status:
        st.write(f"Sending the prompts to `{plan.request.model}`; this usually takes under a minute.")
        try:
            result = svc.generation.generate(*keys, tier=tier, template_name=plan.template.template_name)
        except BrightRunError as err:
            status.update(label="Generation could not start", state="error")
            show_error(err)
            st.stop()
        st.session_state["generate_last"] = {
            "conversation_id": result.conversation_id,
            "failure": None if result.ok else result.message,
            "report": result.report_path,
            "cost": result.cost_usd,
        }
        if result.ok:
            status.update(label=f"Conversation stored · ${result.cost_usd:.4f}", state="complete", expanded=False)
        else:
            status.update(label="Generation failed: the failure was recorded", state="error")

show_last_result(svc)
