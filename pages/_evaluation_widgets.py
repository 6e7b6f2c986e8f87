"""Widgets of Try it, the scorecard and the blind A/B queue: answers side by side, the win-rate chart with its
interval, the rubric means, the biggest wins and losses."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from core.bootstrap import Services
from core.evaluation.ab import HumanScore
from core.evaluation.scorecard import Highlight
from core.models.evaluation import DIMENSIONS, EvaluationRun
from pages._ui import page_link

#: The rubric's dimensions as a chart names them.
DIMENSION_WORDS = {
    "empathy": "Empathy",
    "clarity": "Clarity",
    "appropriateness": "Appropriateness",
    "expert_voice_alignment": "The expert's voice",
}
SPEAKERS = {"user": "Client", "assistant": "Expert (from the data)", "system": "Instructions"}


def show_conversation(messages: list[dict[str, Any]], *, skip_system: bool = True) -> None:
    for message in messages:
        role = str(message.get("role"))
        if skip_system and role == "system":
            continue
        with st.chat_message("user" if role == "user" else "assistant"):
            st.caption(SPEAKERS.get(role, role))
            st.markdown(str(message.get("content", "")))


def answer_card(
    title: str, text: str | None, *, key: str, caption: str | None = None, waiting: str = "Not asked yet."
) -> None:
    """One answer in a bordered card; ``None`` means not asked yet, an empty text that the model said nothing."""
    with st.container(border=True, key=key):
        st.markdown(f"**{title}**")
        if caption:
            st.caption(caption)
        if text is None:
            st.caption(waiting)
        else:
            st.markdown(text or "_(no words: the model answered with nothing)_")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def run_summary(run: EvaluationRun) -> str:
    judged = run.wins + run.ties + run.losses
    text = (
        f"{_count(run.wins, 'win')}, {_count(run.ties, 'tie')}, {_count(run.losses, 'loss', 'losses')} "
        f"over {_count(judged, 'client turn')}"
    )
    if run.failures:
        text += f"; {_count(run.failures, 'turn')} the judge could not score (not counted)"
    return text + f". Cost ${run.cost_usd:.4f}."


def win_rate_chart(run: EvaluationRun | None, human: HumanScore | None) -> alt.LayerChart | None:
    """The tuned model's win rate against its base, by the judge and by reviewers, each with its 95% interval."""
    rows = []
    if run is not None and run.win_rate is not None:
        rows.append({"who": "Claude judge", "rate": run.win_rate, "low": run.ci_low, "high": run.ci_high})
    if human is not None and human.rate.win_rate is not None:
        rate = human.rate
        rows.append({"who": "Reviewers (blind A/B)", "rate": rate.win_rate, "low": rate.ci_low, "high": rate.ci_high})
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    axis = alt.X("rate:Q", title="tuned model's win rate (ties count half)", scale=alt.Scale(domain=[0, 1]))
    axis = axis.axis(format="%")
    bars = alt.Chart(frame).mark_bar(color="#4C78A8", height=18).encode(x=axis, y=alt.Y("who:N", title=None))
    whiskers = alt.Chart(frame).mark_rule(color="#222", strokeWidth=2).encode(x="low:Q", x2="high:Q", y="who:N")
    even = alt.Chart(pd.DataFrame({"x": [0.5]})).mark_rule(strokeDash=[4, 4], color="#999").encode(x="x:Q")
    return alt.LayerChart(layer=[bars, whiskers, even], height=30 + 45 * len(rows))


def dimension_chart(run: EvaluationRun) -> alt.Chart | None:
    """Mean rubric score per dimension, base beside tuned (1–5)."""
    scores = run.scores or {}
    rows = [
        {"dimension": DIMENSION_WORDS[d], "model": side.capitalize(), "score": scores[side][d]}
        for side in ("base", "tuned")
        for d in DIMENSIONS
        if side in scores and d in scores[side]
    ]
    if not rows:
        return None
    return (
        alt.Chart(pd.DataFrame(rows), height=220)
        .mark_bar()
        .encode(
            x=alt.X("score:Q", title="mean score (1–5)", scale=alt.Scale(domain=[0, 5])),
            y=alt.Y("dimension:N", title=None, sort=[DIMENSION_WORDS[d] for d in DIMENSIONS]),
            yOffset=alt.YOffset("model:N", sort=["Base", "Tuned"]),
            color=alt.Color("model:N", title=None, legend=alt.Legend(orient="bottom"), sort=["Base", "Tuned"]),
            tooltip=["dimension:N", "model:N", alt.Tooltip("score:Q", format=".2f")],
        )
    )


def scorecard_line(svc: Services, model_id: str) -> None:
    """A model's scores in one line (the judge's and the reviewers' win rates), with links to try and measure it."""
    evaluation = svc.evaluation
    run = evaluation.latest_run(model_id)
    human = evaluation.ab.human_score(model_id)
    parts = []
    if run is not None and run.win_rate is not None:
        parts.append(
            f"Beats its base in **{percent(run.win_rate)}** of held-out turns by the judge "
            f"(95% interval {percent(run.ci_low)}–{percent(run.ci_high)})"
        )
    if human.rate.win_rate is not None:
        parts.append(f"**{percent(human.rate.win_rate)}** by reviewers ({human.picks} blind picks)")
    st.markdown(" · ".join(parts) if parts else "Not measured yet.")
    left, right = st.columns(2)
    with left:
        page_link("pages/try_model.py", label="Try it", icon=":material/compare:", params={"model": model_id})
    with right:
        page_link("pages/compare.py", label="Blind A/B", icon=":material/compare_arrows:", params={"model": model_id})


def highlight_list(title: str, items: list[Highlight], *, key: str) -> None:
    st.markdown(f"**{title}**")
    if not items:
        st.caption("None.")
    for index, item in enumerate(items):
        with st.expander(f"“{item.client_message[:90]}”", expanded=False, key=f"{key}_{index}"):
            left, right = st.columns(2)
            with left:
                answer_card("Base model", item.base_answer, key=f"{key}_{index}_base")
            with right:
                answer_card("Tuned model", item.tuned_answer, key=f"{key}_{index}_tuned")
            if item.reason:
                st.caption(f"The judge: {item.reason}")
