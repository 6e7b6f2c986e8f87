"""The conversation page's decision panel (kept in view while the turns scroll): decide with a click or a
key, confirm a risky approval, rate the current turn by key, grade, and every reviewer's verdict.

Nothing is pre-decided: no decision is selected, grades start empty (the judge's scores are shown beside
them as suggestions and are copied in only when the reviewer asks), and every key carries the id.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.bootstrap import Services
from core.dates import moment
from core.models.review import RUBRIC
from core.models.status_labels import status_badge, status_text
from core.review.detail import ConversationDetail
from core.review.guards import describe
from core.review.transitions import allowed_decisions
from pages._charts import conversation_intensity_chart
from pages._review_widgets import REJECT_REASONS
from pages._ui import friendly_errors

STICKY_CSS = """
<style>
[data-testid="stLayoutWrapper"]:has(> .st-key-decision_panel) {
  position: sticky; top: 3.75rem; align-self: flex-start; z-index: 3; width: 100%; }
.st-key-decision_panel { max-height: calc(100vh - 4.75rem); overflow-y: auto; }
</style>
"""
BUTTONS: dict[str, tuple[str, str | None, str]] = {
    "approve": ("Approve", "A", ":material/check:"),
    "reject": ("Reject", "X", ":material/close:"),
    "needs_revision": ("Another pass", "V", ":material/replay:"),  # "Needs another pass" is cut in the panel
    "archive": ("Archive", None, ":material/archive:"),
    "move_to_review": ("Back to review", None, ":material/undo:"),
}
GRADE_NAMES = ("overall", *RUBRIC)
SHORTCUTS = (
    "**A** approve · **X** reject (then **1**–**6** a reason) · **V** needs another pass · "
    + ("**1 2 3** rate the current turn · ")
    + ("**J** next · **K** previous · **N** next pending · **Z** undo")
)


def grade_key(cid: str, name: str) -> str:
    return f"grade_{cid}_{name}"


def decision_options(detail: ConversationDetail) -> dict[str, object]:
    """The reasons, comment and risk confirmation entered for this conversation (its own widget keys)."""
    cid = detail.conversation.conversation_id
    options: dict[str, object] = {
        "reasons": list(st.session_state.get(f"reasons_{cid}") or []),
        "comment": str(st.session_state.get(f"comment_{cid}") or ""),
    }
    if st.session_state.get(f"confirm_{cid}"):
        options["confirm"] = list(detail.risks)
    return options


def rejecting_key(cid: str) -> str:
    return f"rejecting_{cid}"


def _reject(cid: str, on_decide: Callable[[str], None]) -> None:
    """X or Reject: with a reason or a comment given, reject; else open the reasons (keys 1–6 pick one)."""
    if st.session_state.get(f"reasons_{cid}") or str(st.session_state.get(f"comment_{cid}") or "").strip():
        st.session_state.pop(rejecting_key(cid), None)
        on_decide("reject")
    else:
        st.session_state[rejecting_key(cid)] = True


def _reject_for(cid: str, reason: str, on_decide: Callable[[str], None]) -> None:
    st.session_state[f"reasons_{cid}"] = [reason]
    st.session_state.pop(rejecting_key(cid), None)
    on_decide("reject")


def _reason_keys(cid: str, on_decide: Callable[[str], None]) -> None:
    """The reasons as buttons with keys 1–6, shown first after X (the rating keys wait meanwhile)."""
    with st.container(key=f"reject_reasons_{cid}", border=True):
        st.markdown("**Why reject it?** Press a number, or click.")
        cols = st.columns(2)
        for number, reason in enumerate(REJECT_REASONS, start=1):
            cols[(number - 1) % 2].button(
                f"{number} · {reason}",
                key=f"reject_reason_{number}_{cid}",
                shortcut=str(number),
                use_container_width=True,
                on_click=_reject_for,
                args=(cid, reason, on_decide),
            )
        if st.button("Cancel", key=f"reject_cancel_{cid}", type="tertiary"):
            st.session_state.pop(rejecting_key(cid), None)
            st.rerun()


def decision_buttons(detail: ConversationDetail, on_decide: Callable[[str], None]) -> None:
    """The decision buttons (each decides in a callback, before the next run draws anything), reasons,
    comment and the risk confirmation. Reject without a reason opens the reasons, picked by key 1–6."""
    row = detail.conversation
    cid = row.conversation_id
    choices = allowed_decisions(row.review_status)
    if "reject" in choices and st.session_state.get(rejecting_key(cid)):
        _reason_keys(cid, on_decide)
    cols = [c for _ in range(0, len(choices), 2) for c in st.columns(2)]
    for col, decision in zip(cols, choices, strict=False):
        label, key, icon = BUTTONS[decision]
        col.button(
            label,
            key=f"decide_{decision}_{cid}",
            shortcut=key,
            icon=icon,
            type="primary" if decision == "approve" else "secondary",
            use_container_width=True,
            on_click=_reject if decision == "reject" else on_decide,
            args=(cid, on_decide) if decision == "reject" else (decision,),
        )
    if "approve" in choices and detail.risks:
        st.warning(f"Approving needs your confirmation: {describe(detail.risks)}.", icon=":material/warning:")
        st.checkbox("Approve it anyway (kept in its history)", key=f"confirm_{cid}")
    st.multiselect(
        "Reasons (a rejection needs one, or a comment)", REJECT_REASONS, key=f"reasons_{cid}", placeholder="None"
    )
    st.text_input("Comment (kept in the history)", key=f"comment_{cid}")


def rate_current(detail: ConversationDetail, reviewer: str, current: int | None) -> str | None:
    """Good / Needs work / Bad for the first turn the reviewer has not rated (keys 1, 2, 3)."""
    if current is None:
        st.caption("You have rated every turn.")
        return None
    if st.session_state.get(rejecting_key(detail.conversation.conversation_id)):
        return None  # keys 1–3 pick a reason now
    st.caption(f"Rate turn {current} (the first you have not rated)")
    cid = detail.conversation.conversation_id
    picked: str | None = None
    cols = st.columns([1, 1.5, 1])
    for col, (value, label, key) in zip(
        cols, (("good", "Good", "1"), ("needs_work", "Needs work", "2"), ("bad", "Bad", "3")), strict=True
    ):
        if col.button(label, key=f"quick_{value}_{cid}", shortcut=key, use_container_width=True):
            picked = value
    return picked


def grade_tab(detail: ConversationDetail, reviewer: str, save: Callable[[dict[str, int], str], None]) -> None:
    cid = detail.conversation.conversation_id
    mine = detail.grades_by.get(reviewer)
    suggestion = detail.judge_suggestion()
    if suggestion:

        def use_suggestion() -> None:
            for name in GRADE_NAMES:
                st.session_state[grade_key(cid, name)] = suggestion[name]

        st.button(
            "Start from the judge's suggestions",
            key=f"grade_suggest_{cid}",
            on_click=use_suggestion,
            type="tertiary",
            icon=":material/auto_awesome:",
        )
    picked: dict[str, int | None] = {}
    for name in GRADE_NAMES:
        hint = f" — judge suggests {suggestion[name]}" if suggestion else ""
        picked[name] = st.segmented_control(
            name.replace("_", " ").capitalize() + hint,
            [1, 2, 3, 4, 5],
            default=getattr(mine, name) if mine else None,
            key=grade_key(cid, name),
        )
    note = st.text_input("Grade comment", key=f"grade_comment_{cid}")
    missing = [n.replace("_", " ") for n, v in picked.items() if v is None]
    if mine:
        st.caption(f"Your grade: {mine.overall}/5, saved {moment(mine.created_at)}.")
    if st.button("Save my grade", key=f"grade_save_{cid}", disabled=bool(missing)):
        save({n: int(v) for n, v in picked.items() if v is not None}, note)
    if missing:
        st.caption("Give every score to save: " + ", ".join(missing) + ".")


def verdicts_tab(detail: ConversationDetail) -> None:
    verdicts = detail.verdicts()
    if verdicts:
        for v in verdicts:
            st.markdown(f"**{v.reviewer}** · {status_badge('review', v.to_status)} · {v.at}")
    else:
        st.caption("No reviewer has decided on this conversation yet.")
    if detail.grades_by:
        rows = [
            {"Reviewer": name, **{n.replace("_", " ").capitalize(): getattr(g, n) for n in GRADE_NAMES}}
            for name, g in detail.grades_by.items()
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)
    st.markdown("**History**")
    if not detail.history:
        st.caption("No review actions yet.")
    for entry in detail.history[:30]:
        change = ""
        if entry.to_status:
            change = f" ({status_text('review', entry.from_status)} → {status_text('review', entry.to_status)})"
        extra = []
        if entry.details and entry.details.get("confirmed_risks"):
            extra.append("confirmed: " + describe(entry.details["confirmed_risks"]))
        why = "; ".join([*entry.reasons, *([entry.comment] if entry.comment else []), *extra])
        st.markdown(
            f"- {moment(entry.created_at)} · **{entry.performed_by}** · {entry.action.replace('_', ' ')}"
            f"{change}" + (f" — {why}" if why else "")
        )


def details_tab(svc: Services, detail: ConversationDetail) -> None:
    row = detail.conversation
    chart = conversation_intensity_chart(detail)
    if chart is not None:
        st.altair_chart(chart, width="stretch", height=300)
        if detail.bands:
            st.caption(f"The shaded bands are where '{detail.bands.arc_name}' plans the client to start and end.")
    review = svc.review
    with friendly_errors():
        if row.raw_response_path:
            name, data = review.download(row.conversation_id, "raw")
            st.download_button("Download raw JSON", data, file_name=name, mime="application/json", key="dl_raw")
        if detail.enriched_ready:
            name, data = review.download(row.conversation_id, "enriched")
            st.download_button("Download enriched JSON", data, name, mime="application/json", key="dl_enriched")
        else:
            st.caption(f"Enriched JSON: not available ({status_text('enrichment', row.enrichment_status)}).")
