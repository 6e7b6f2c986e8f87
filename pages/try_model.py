"""Try a trained model beside its base model, and measure it on its held-out conversations (the scorecard)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.evaluation.responder import GenerationSettings, client_turns
from core.evaluation.scorecard import highlights
from core.evaluation.service import Scenario
from core.models.statuses import Verdict
from core.models.training_jobs import TrainedModel
from pages._evaluation_widgets import (
    answer_card,
    dimension_chart,
    highlight_list,
    percent,
    run_summary,
    show_conversation,
    win_rate_chart,
)
from pages._ui import empty_state, friendly_errors, run_action, services, unique_labels

st.title("Try a model")
st.caption(
    "Ask the model you trained and the model it started from the same thing, side by side; then measure it "
    "on conversations it never saw while training."
)

svc = services()
evaluation = svc.evaluation
models: list[TrainedModel] = run_action("Reading the models…", evaluation.models) or []
if not models:
    empty_state(
        "No trained model yet. Train one from a training file, then try it here beside its base model.",
        page="pages/export.py",
        label="Go to Export to make a training file",
    )

labels = unique_labels({m.id: f"{m.name} (from {m.base_model.rsplit('/', 1)[-1]})" for m in models})
wanted = str(st.query_params.get("model", ""))
ids = list(labels)
model_id = st.selectbox(
    "Model", ids, index=ids.index(wanted) if wanted in ids else 0, format_func=labels.__getitem__, key="try_model"
)
if st.query_params.get("model") != model_id:
    st.query_params["model"] = model_id
model = next(m for m in models if m.id == model_id)
held = run_action("Reading the held-out conversations…", lambda: evaluation.held_out(model)) or []

with st.expander("Advanced: how the answers are written"):
    settings_cols = st.columns(2)
    max_tokens = settings_cols[0].number_input("Longest answer (tokens)", 8, 1024, 160, 8, key="try_max_tokens")
    temperature = settings_cols[1].slider(
        "Temperature", 0.0, 1.5, 0.0, 0.1, key="try_temperature", help="0 gives the same answer every time."
    )
generation = GenerationSettings(max_new_tokens=int(max_tokens), temperature=float(temperature))


def _show_progress(bar: Any, done: int, total: int) -> None:
    bar.progress(done / total, text=f"Judged {done} of {total} client turns")


try_tab, score_tab = st.tabs(["Side by side", "Scorecard"])

with try_tab:
    source = st.radio(
        "Start from",
        ["A conversation it never saw", "A message of your own"],
        horizontal=True,
        key=f"try_source_{model.id}",
    )
    if source == "A conversation it never saw":
        if not held:
            st.info("This model has no held-out conversations: its training file had no validation split.")
        else:
            names = {
                c.conversation_id: f"{i + 1}. “{next((m['content'] for m in c.messages if m.get('role') == 'user'), '')[:70]}…”"
                for i, c in enumerate(held)
            }
            chosen = st.selectbox("Held-out conversation", list(names), format_func=names.__getitem__, key="try_held")
            conversation = next(c for c in held if c.conversation_id == chosen)
            turns = client_turns(conversation.conversation_id, conversation.messages)
            turn_index = st.select_slider(
                "Client turn",
                options=list(range(len(turns))),
                format_func=lambda i: f"{i + 1} of {len(turns)}",
                key=f"try_turn_{chosen}",
            )
            turn = turns[int(turn_index)]
            show_conversation(turn.context)
            key = f"try_held_answer_{model.id}_{chosen}_{turn_index}"
            if st.button("Ask both models", key="try_ask_held", type="primary", icon=":material/play_arrow:"):
                answer = run_action(
                    "Both models are answering…", lambda: evaluation.try_chat(model, turn.context, generation)
                )
                if answer is not None:
                    st.session_state[key] = answer
            answer = st.session_state.get(key)
            columns = st.columns(3)
            with columns[0]:
                answer_card(
                    "Base model", answer.base if answer else None, key="try_base_card", caption="before training"
                )
            with columns[1]:
                answer_card("Tuned model", answer.tuned if answer else None, key="try_tuned_card", caption="your model")
            with columns[2]:
                answer_card(
                    "Reference answer",
                    turn.reference,
                    key="try_reference_card",
                    caption="from the data",
                    waiting="The data holds no answer to this turn.",
                )
            if answer is not None and answer.note:
                st.info(answer.note)
    else:
        scaffolding = svc.scaffolding
        scenario_cols = st.columns(3)
        pick: dict[str, str | None] = {}
        for col, (kind, word) in zip(
            scenario_cols, [("personas", "Client"), ("arcs", "Emotional journey"), ("topics", "Topic")], strict=True
        ):
            records = run_action("Reading…", lambda kind=kind: scaffolding.list(kind, active_only=True)) or []  # type: ignore[misc]
            options: dict[str, str] = {"": "Any"} | {r.key: r.name for r in records}
            pick[kind] = col.selectbox(word, list(options), format_func=options.__getitem__, key=f"try_{kind}") or None
        chat_key = f"try_chat_{model.id}"
        chat: dict[str, Any] = st.session_state.setdefault(chat_key, {"base": [], "tuned": [], "note": None})
        for index, (base_msg, tuned_msg) in enumerate(zip(chat["base"], chat["tuned"], strict=True)):
            if base_msg["role"] == "system":
                continue
            if base_msg["role"] == "user":
                with st.chat_message("user"):
                    st.markdown(base_msg["content"])
                continue
            left, right = st.columns(2)
            with left:
                answer_card("Base model", base_msg["content"], key=f"try_chat_base_{index}")
            with right:
                answer_card("Tuned model", tuned_msg["content"], key=f"try_chat_tuned_{index}")
        if chat.get("note"):
            st.info(chat["note"])
        message = st.chat_input("What does the client say?", key="try_message")
        if message:
            with friendly_errors():
                if not chat["base"]:
                    opening = evaluation.opening(Scenario(pick["personas"], pick["arcs"], pick["topics"]))
                    chat["base"], chat["tuned"] = list(opening), list(opening)
                base_chat = [*chat["base"], {"role": "user", "content": message}]
                tuned_chat = [*chat["tuned"], {"role": "user", "content": message}]
                answer = run_action(
                    "Both models are answering…",
                    lambda: evaluation.answer_both(model, base_chat, tuned_chat, generation),
                )
                if answer is not None:
                    chat["base"] = [*base_chat, {"role": "assistant", "content": answer.base}]
                    chat["tuned"] = [*tuned_chat, {"role": "assistant", "content": answer.tuned}]
                    chat["note"] = answer.note
                    st.rerun()
        if chat["base"] and st.button("Start over", key="try_reset", icon=":material/restart_alt:"):
            st.session_state.pop(chat_key, None)
            st.rerun()

with score_tab:
    run = run_action("Reading the scorecard…", lambda: evaluation.latest_run(model.id))
    human = run_action("Reading the reviewers' picks…", lambda: evaluation.ab.human_score(model.id))
    if run is not None:
        metrics = st.columns(4)
        metrics[0].metric("Win rate (judge)", percent(run.win_rate), help="Ties count as half a win.")
        metrics[1].metric(
            "95% interval", f"{percent(run.ci_low)} – {percent(run.ci_high)}", help="Wilson score interval."
        )
        metrics[2].metric("Win rate (reviewers)", percent(human.rate.win_rate) if human else "–")
        metrics[3].metric(
            "Reviewers agree with the judge",
            percent(human.agreement) if human else "–",
            help="Among turns both a reviewer and the judge decided.",
        )
        st.caption(run_summary(run) + (f" {run.message}" if run.message else ""))
        chart = win_rate_chart(run, human)
        if chart is not None:
            st.altair_chart(chart, use_container_width=True)
        dims = dimension_chart(run)
        if dims is not None:
            st.markdown("**Rubric scores, base and tuned**")
            st.altair_chart(dims, use_container_width=True)
        judged = evaluation.judgments(run.id)
        left, right = st.columns(2)
        with left:
            highlight_list("Biggest wins", highlights(judged, Verdict.TUNED), key="wins")
        with right:
            highlight_list("Biggest losses", highlights(judged, Verdict.BASE), key="losses")
    else:
        st.info(
            "Not measured yet. The scorecard asks both models every client turn of the held-out conversations, "
            "and Claude judges each pair of answers twice, with their order swapped."
        )
    st.divider()
    st.markdown("**Measure it**")
    cols = st.columns(3)
    limit = cols[0].number_input("Held-out conversations", 1, max(len(held), 1), max(len(held), 1), key="score_limit")
    budget = cols[1].number_input("Spending limit (USD)", 0.0, 1000.0, 1.0, 0.5, key="score_budget")
    plan = run_action("Estimating…", lambda: evaluation.estimate(model.id, limit=int(limit))) if held else None
    if plan is not None:
        cols[2].metric(
            "Estimate", f"${plan.estimate_usd:.4f}", help=f"{plan.turns} client turns, two judge calls each."
        )
    if st.button("Run the scorecard", key="score_run", type="primary", disabled=not held, icon=":material/scoreboard:"):
        bar = st.progress(0.0, text="Both models answer, then Claude judges…")
        result = run_action(
            "Measuring…",
            lambda: evaluation.evaluate(
                model.id,
                limit=int(limit),
                budget_usd=float(budget),
                generation=generation,
                progress=lambda done, total: _show_progress(bar, done, total),
            ),
        )
        if result is not None:
            st.toast(run_summary(result))
            st.rerun()
