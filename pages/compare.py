"""Blind A/B for reviewers: a held-out client turn and two answers in random order (the base model's and the
tuned model's, never said which); pick the better one or a tie with the keyboard."""

from __future__ import annotations

import streamlit as st

from core.evaluation.ab import ABItem
from core.models.training_jobs import TrainedModel
from pages._evaluation_widgets import answer_card, percent, show_conversation
from pages._ui import empty_state, require_reviewer, run_action, services, unique_labels

st.title("Blind A/B")
st.caption(
    "Which answer would you rather the client got? You are not told which model wrote which. Each pick counts "
    "toward the model's win rate as reviewers see it, and becomes a preference pair for training."
)

svc = services()
evaluation = svc.evaluation
reviewer = require_reviewer()
models: list[TrainedModel] = run_action("Reading the models…", evaluation.models) or []
if not models:
    empty_state("No trained model to compare yet.", page="pages/try_model.py", label="Go to Try a model")

labels = unique_labels({m.id: m.name for m in models})
ids = list(labels)
wanted = str(st.query_params.get("model", ""))
model_id = st.selectbox(
    "Model", ids, index=ids.index(wanted) if wanted in ids else 0, format_func=labels.__getitem__, key="ab_model"
)
if st.query_params.get("model") != model_id:
    st.query_params["model"] = model_id

queue: list[ABItem] = run_action("Reading the queue…", lambda: evaluation.ab.queue(model_id, reviewer)) or []
human = run_action("Reading the picks…", lambda: evaluation.ab.human_score(model_id))
run = run_action("Reading the scorecard…", lambda: evaluation.latest_run(model_id))
stats = st.columns(4)
stats[0].metric("Left for you", len(queue))
stats[1].metric("Win rate (reviewers)", percent(human.rate.win_rate) if human else "–", help="Ties count as half.")
stats[2].metric("Win rate (judge)", percent(run.win_rate) if run else "–")
stats[3].metric("Agreement with the judge", percent(human.agreement) if human else "–")

if not queue:
    if run is None:
        st.info(
            "Nothing to compare yet: the queue is filled by the scorecard, which asks both models every held-out "
            "client turn. Run it on Try a model → Scorecard."
        )
    else:
        st.success("You have compared every answer of this model. Thank you!")
    st.stop()

item = queue[0]
show_conversation(item.prompt)
left, right = st.columns(2)
with left:
    answer_card("Answer 1", item.first_answer, key=f"ab_first_{item.judgment_id}")
with right:
    answer_card("Answer 2", item.second_answer, key=f"ab_second_{item.judgment_id}")

buttons = st.columns(3)
choice = None
if buttons[0].button("1 is better", key="ab_pick_first", shortcut="1", icon=":material/looks_one:", width="stretch"):
    choice = "first"
if buttons[1].button("Tie", key="ab_pick_tie", shortcut="T", icon=":material/drag_handle:", width="stretch"):
    choice = "tie"
if buttons[2].button("2 is better", key="ab_pick_second", shortcut="2", icon=":material/looks_two:", width="stretch"):
    choice = "second"
st.caption("Keys: 1, T (tie), 2.")
if choice is not None:
    saved = run_action("Saving your pick…", lambda: evaluation.ab.record(model_id, item, choice, reviewer))  # type: ignore[arg-type]
    if saved is not None:
        st.toast("Pick saved.")
        st.rerun()
