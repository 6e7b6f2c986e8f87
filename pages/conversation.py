"""One conversation, at its own address (``/conversation?id=…``): the turns with inline ratings, and a
decision panel that stays in view. In queue mode a decision moves straight on to the next pending one."""

from __future__ import annotations

import pydantic
import streamlit as st

from core.errors import BrightRunError
from core.models.status_labels import status_badge, status_text
from core.validation import user_error
from pages._review_panel import (
    SHORTCUTS,
    STICKY_CSS,
    decision_buttons,
    decision_options,
    details_tab,
    grade_tab,
    rate_current,
    verdicts_tab,
)
from pages._review_turns import rating_key, show_turns
from pages._review_widgets import (
    DONE_WORDS,
    ask_name,
    back_to_grid,
    current_query,
    flash,
    known_reviewer,
    reviewer,
    show_flash,
    undo_bar,
)
from pages._ui import run_action, services

svc = services()
query = current_query()
conversation_id = str(st.query_params.get("id", ""))
if not conversation_id or not svc.review.exists(conversation_id):
    st.title("Conversation")
    if conversation_id:  # a link to a conversation that is gone, or that this person may not see
        st.warning("This link points to a conversation that is not here (it may have been deleted or archived).")
    st.info("Pick a conversation on the Review page to open it here, or start with the next one waiting for review.")
    st.page_link("pages/review.py", label="Go to Review", icon=":material/arrow_forward:")
    name = reviewer()
    first = svc.review.next_pending(query)
    if first is not None and st.button("Review next pending", key="empty_queue", type="primary", shortcut="N"):
        st.query_params["id"] = first
        st.rerun()
    st.stop()
# A pasted link shows the conversation to anyone; the name is asked only when the visitor decides to review.
name = known_reviewer() or ""
show_flash()


def go(target: str | None) -> None:
    if target is None:
        st.toast("That is the end of this list.", icon=":material/block:")
        return
    st.query_params["id"] = target
    st.rerun()


detail = svc.review.detail(conversation_id)
row = detail.conversation
names = svc.review.names()

st.html(STICKY_CSS)
title = names.title(row.conversation_name, row.persona_key, row.emotional_arc_key)
topic = names.topic(row.topic_key) if row.topic_key else None
st.title(title, anchor=False)
quality = f"quality {row.quality_score:.1f}" if row.quality_score is not None else "no quality score"
flags = " · :red-badge[Cut off]" if row.is_truncated else ""
st.markdown(
    f"{status_badge('review', row.review_status)} · {topic or 'no topic'} · {quality} · "
    f"{status_text('enrichment', row.enrichment_status)} · {row.turn_count} turns{flags}"
)

nav = st.columns([1.3, 1.0, 1.5, 1.5, 2.5], vertical_alignment="center")
if nav[0].button("Previous", key="detail_prev", icon=":material/chevron_left:", shortcut="K"):
    go(svc.review.step(query, conversation_id, -1))
if nav[1].button("Next", key="detail_next", icon=":material/chevron_right:", shortcut="J"):
    go(svc.review.step(query, conversation_id, 1))
if nav[2].button("Next pending", key="detail_next_pending", icon=":material/fast_forward:", shortcut="N"):
    go(svc.review.next_pending(query, conversation_id))
if nav[3].button("Back to the list", key="detail_back", icon=":material/table_rows:"):
    back_to_grid(query)
nav[4].markdown(f"**{svc.review.progress(query.filters, name or None)}**")

if name and (undone := undo_bar(svc, name, key="undo_button_detail")):
    go(undone[0])

REFUSED_KEY = f"decision_refused_{conversation_id}"


def decide_now(decision: str) -> None:
    """Runs before the next script run: decide, then show the next conversation waiting (or say why not)."""
    options = decision_options(detail)
    try:
        svc.review.decide(conversation_id, decision, name, **options)  # type: ignore[arg-type]
    except BrightRunError as err:
        st.session_state[REFUSED_KEY] = err.user_message
        return
    except pydantic.ValidationError as err:
        st.session_state[REFUSED_KEY] = user_error(err).user_message
        return
    flash(f"{title}: {DONE_WORDS[decision]}.", undo=[conversation_id])
    following = svc.review.next_pending(query, conversation_id, skip=[conversation_id])
    if following is not None:
        st.query_params["id"] = following


current = detail.current_turn(name) if name else None
turns_col, side = st.columns([1.4, 1], gap="medium")
with turns_col:
    show_turns(svc, detail, name, current, read_only=not name)

if not name:
    with side, st.container(key="look_only_panel", border=True):
        st.markdown("**You are looking at this conversation**")
        st.caption("Nothing you do here is recorded. To approve, reject or rate it, give your name.")
        if st.button("Review it", key="start_reviewing", type="primary", icon=":material/fact_check:"):
            st.session_state["asking_name"] = True
        if st.session_state.get("asking_name"):
            ask_name(intro="Your name is kept in this browser tab only; every decision records it.")
    st.stop()

with side, st.container(key="decision_panel", border=True):
    st.markdown("**Your decision**")
    slot = st.container()  # what a decision or rating says (a refusal, a needed confirmation) shows here
    if refused := st.session_state.pop(REFUSED_KEY, None):
        slot.error(refused, icon=":material/error:")
    decision_buttons(detail, decide_now)
    picked = rate_current(detail, name, current)
    st.caption(SHORTCUTS)
    grade, verdicts, more = st.tabs(["Grade", "Verdicts and history", "Details"])
    with grade:

        def save_grade(scores: dict[str, int], note: str) -> None:
            overall = scores.pop("overall")
            saved = run_action(
                "Saving…", lambda: svc.review.grade(conversation_id, name, overall=overall, rubric=scores, comment=note)
            )
            if saved is not None:
                flash(f"Your grade {saved.overall}/5 is saved.")
                st.rerun()

        grade_tab(detail, name, save_grade)
    with verdicts:
        verdicts_tab(detail)
    with more:
        details_tab(svc, detail)

if picked is not None and current is not None:
    with slot:
        saved = run_action(
            "Saving…",
            lambda: svc.review.rate_turn(conversation_id, current, picked, name),  # type: ignore[arg-type]
        )
    if saved is not None:
        st.session_state.pop(rating_key(conversation_id, current), None)
        flash(f"Turn {current} rated.")
        st.rerun()
