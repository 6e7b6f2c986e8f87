"""The review pages' non-grid parts: reviewer identity, filters, paging, the detail view's actions, failures."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.models.logs import FailedGeneration
from tests.support.paths import REPO_ROOT
from tests.support.review_data import add_conversation, add_ready

APP = str(REPO_ROOT / "app.py")
REVIEW, DETAIL, FAILED = "pages/review.py", "pages/conversation.py", "pages/failed_generations.py"


def _page(path: str, name: str | None = "Ana", **params: str) -> AppTest:
    """The page inside the app (its links and page switches need the app's navigation), at ``?params``."""
    at = AppTest.from_file(APP, default_timeout=30)
    if name:
        at.session_state["reviewer_name"] = name
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(path).run()


def _texts(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.caption, *at.markdown, *at.info, *at.success, *at.error, *at.warning])


def test_review_shows_the_grid_at_once_and_asks_the_name_only_to_decide_keeping_it_out_of_the_address(
    services: Services,
) -> None:
    a, b = add_ready(services.conversations), add_ready(services.conversations)
    at = _page(REVIEW, name=None)
    assert (
        not at.exception
        and "Enter your name" not in _texts(at)
        and "reviewer_name_input" not in [t.key for t in at.text_input]
    )
    assert "You are only looking" in _texts(at) and at.button(key="review_queue")
    assert "Review status" in [m.label for m in at.multiselect]  # the filters and grid are there
    at.session_state["review_selected"] = [a.conversation_id]
    at = at.run().button(key="bulk_approve").click().run()
    assert "give your name" in _texts(at)
    assert services.db.conversations.get(a.conversation_id).review_status == "pending_review"
    at.text_input(key="reviewer_name_input").input("Ana")
    at = at.button(key="reviewer_name_continue").click().run()
    assert not at.exception and at.session_state["reviewer_name"] == "Ana" and "Reviewing as **Ana**" in _texts(at)
    approved = services.db.conversations.get(a.conversation_id)
    assert (approved.review_status, approved.reviewed_by) == ("approved", "Ana")  # the decision asked for, made
    assert services.db.conversations.get(b.conversation_id).review_status == "pending_review"
    assert "reviewer" not in at.query_params


def test_a_visitor_starts_reviewing_by_giving_a_name(services: Services) -> None:
    add_conversation(services.conversations)
    at = _page(REVIEW, name=None)
    at = at.button(key="review_start").click().run()
    at.text_input(key="reviewer_name_input").input("Cleo")
    at = at.button(key="reviewer_name_continue").click().run()
    assert not at.exception and "Reviewing as **Cleo**" in _texts(at)


def test_a_reviewer_name_in_a_pasted_link_is_not_taken(services: Services) -> None:
    add_conversation(services.conversations)
    at = _page(REVIEW, name=None, reviewer="Ben")
    assert not at.exception and "You are only looking" in _texts(at) and "Ben" not in _texts(at)
    assert "reviewer" not in at.query_params


def test_a_pasted_conversation_link_shows_it_read_only_and_asks_the_name_only_to_review(
    services: Services,
) -> None:
    cid = add_conversation(services.conversations).conversation_id
    at = _page(DETAIL, name=None, id=cid)
    assert not at.exception
    assert "You are looking at this conversation" in _texts(at) and "Enter your name" not in _texts(at)
    assert not [b for b in at.button if b.label == "Approve"] and not at.text_input
    at = at.button(key="start_reviewing").click().run()
    assert "Your name is kept in this browser tab only" in _texts(at)
    at.text_input(key="reviewer_name_input").input("Cleo")
    at = at.button(key="reviewer_name_continue").click().run()
    assert not at.exception and [b for b in at.button if b.label == "Approve"]


def test_review_on_an_empty_app_points_to_home() -> None:
    at = _page(REVIEW)
    assert not at.exception and "No conversations to review yet" in _texts(at)


def test_filters_narrow_the_grid_and_go_into_the_address(services: Services) -> None:
    add_ready(services.conversations, tier="scenario")
    add_ready(services.conversations, tier="template")
    at = _page(REVIEW)
    assert not at.exception and "Showing 1 to 2 of 2" in _texts(at)
    at.multiselect(key="rf_tier").select("scenario").run()
    assert "Showing 1 to 1 of 1" in _texts(at) and at.query_params["tier"] == "scenario"


def test_filters_sort_and_page_are_read_from_the_address(services: Services) -> None:
    for _ in range(27):
        add_ready(services.conversations)
    at = _page(REVIEW, page="2", sort="quality_score")
    assert "Showing 26 to 27 of 27 · page 2 of 2" in _texts(at)
    assert at.selectbox(key="rf_sort").value == ("quality_score", True)


def test_a_search_that_matches_nothing_says_so(services: Services) -> None:
    add_conversation(services.conversations, "Talk about pensions", "Sure")
    at = _page(REVIEW, q="annuity")
    assert "No conversation matches these filters" in _texts(at)


def test_next_page_moves_through_the_filtered_set(services: Services) -> None:
    for _ in range(27):
        add_conversation(services.conversations)
    at = _page(REVIEW)
    assert "page 1 of 2" in _texts(at)
    at.button(key="review_next_page").click().run()
    assert "Showing 26 to 27 of 27 · page 2 of 2" in _texts(at) and at.query_params["page"] == "2"


def test_bulk_actions_wait_for_a_selection(services: Services) -> None:
    add_conversation(services.conversations)
    at = _page(REVIEW)
    assert all(at.button(key=k).disabled for k in ("bulk_approve", "bulk_needs_revision", "bulk_enrich"))


def test_rows_ticked_in_the_grid_are_approved_together_and_can_be_undone(services: Services) -> None:
    # AgGrid is a component AppTest cannot click: the selection is the ids the grid's events keep in the session.
    a, b, other = (add_ready(services.conversations) for _ in range(3))
    at = _page(REVIEW)
    at.session_state["review_selected"] = [a.conversation_id, b.conversation_id]
    at.run()
    assert "**2 selected**" in _texts(at) and not at.button(key="bulk_approve").disabled
    at.button(key="bulk_approve").click().run()
    status = [services.db.conversations.get(c.conversation_id).review_status for c in (a, b, other)]
    assert status == ["approved", "approved", "pending_review"]
    assert "Last action: 2 approved." in _texts(at)
    at.button(key="undo_button_review").click().run()
    assert services.db.conversations.get(a.conversation_id).review_status == "pending_review"


def test_a_filter_change_unselects_rows_it_hides_so_bulk_actions_touch_only_shown_rows(services: Services) -> None:
    shown, hidden = (
        add_ready(services.conversations, tier="scenario"),
        add_ready(services.conversations, tier="template"),
    )
    at = _page(REVIEW)
    at.session_state["review_selected"] = [shown.conversation_id, hidden.conversation_id]
    at.run()
    assert "**2 selected**" in _texts(at)
    at.multiselect(key="rf_tier").select("scenario").run()
    assert "**1 selected**" in _texts(at)
    assert [t.value for t in at.toast] == ["1 selected conversation(s) are hidden by the filters and were unselected."]
    at.button(key="bulk_approve").click().run()
    status = [services.db.conversations.get(c.conversation_id).review_status for c in (shown, hidden)]
    assert status == ["approved", "pending_review"]


def test_a_row_clicked_in_the_grid_opens_its_conversation(services: Services) -> None:
    c = add_conversation(services.conversations)
    at = _page(REVIEW)
    at.session_state["review_open_id"] = c.conversation_id  # what the grid's cellClicked event records
    at.run()
    assert not at.exception and at.query_params["id"] == c.conversation_id
    assert "review_open_id" not in at.session_state  # coming back does not open it again


def test_review_shows_the_reviewers_own_day_progress(services: Services) -> None:
    done, other, _ = (add_ready(services.conversations) for _ in range(3))
    services.review.decide(done.conversation_id, "approve", "Ana")
    services.review.decide(other.conversation_id, "approve", "Ben")
    assert "You reviewed 1 today · 1 waiting" in _texts(_page(REVIEW))
    assert "You reviewed 0 today · 1 waiting" in _texts(_page(REVIEW, name="Cleo"))  # a new reviewer starts at 0


def test_agreement_says_a_reviewer_name_is_only_a_label_here(services: Services) -> None:
    add_conversation(services.conversations)
    at = _page(REVIEW)
    assert not at.exception
    assert "labels typed in on this computer" in _texts(at)  # the embedded backend has no sign-in


def _detail(services: Services, *texts: str, **row: object) -> tuple[AppTest, str]:
    c = add_conversation(services.conversations, *texts, **row)
    return _page(DETAIL, id=c.conversation_id), c.conversation_id


def test_the_conversation_page_opens_the_conversation_in_its_address(services: Services) -> None:
    at, _ = _detail(services, "I lost my job.", "That is a lot to carry.")
    assert not at.exception
    assert "**Turn 1** · Client · Worried · intensity 0.50" in _texts(at)
    assert "Enriched JSON: not available (Not enriched yet)." in _texts(at)


def test_nothing_is_pre_decided_and_grades_start_empty(services: Services) -> None:
    at, cid = _detail(services)
    assert all(at.segmented_control(key=f"grade_{cid}_{n}").value is None for n in ("overall", "empathy"))
    assert at.segmented_control(key=f"rate_{cid}_1").value is None
    assert at.button(key=f"grade_save_{cid}").disabled


def test_approving_an_unenriched_conversation_needs_the_confirmation(services: Services) -> None:
    at, cid = _detail(services)
    at.button(key=f"decide_approve_{cid}").click().run()
    assert "needs your confirmation: it is not enriched" in _texts(at)
    assert services.db.conversations.get(cid).review_status == "pending_review"
    at.checkbox(key=f"confirm_{cid}").check().run()
    at.button(key=f"decide_approve_{cid}").click().run()
    assert services.db.conversations.get(cid).review_status == "approved"
    [entry] = services.review.history(cid)
    assert entry.details == {"confirmed_risks": ["not_enriched", "not_scored"]}


def test_reject_without_a_reason_opens_the_reasons_and_one_pick_rejects(services: Services) -> None:
    at, cid = _detail(services)
    at = at.button(key=f"decide_reject_{cid}").click().run()  # X
    assert "Why reject it?" in _texts(at)
    assert services.db.conversations.get(cid).review_status == "pending_review"
    assert not [b for b in at.button if b.key == f"quick_good_{cid}"]  # keys 1-3 pick a reason now
    at = at.button(key=f"reject_reason_2_{cid}").click().run()  # key 2
    assert not at.exception
    assert services.db.conversations.get(cid).review_status == "rejected"
    [entry] = services.review.history(cid)
    assert entry.reasons == ["Factually wrong"]


def test_grade_and_turn_rating_are_saved_for_the_reviewer(services: Services) -> None:
    at, cid = _detail(services)
    for name in ("overall", "empathy", "clarity", "appropriateness", "expert_voice"):
        at.segmented_control(key=f"grade_{cid}_{name}").set_value(4)
    at.run()
    at.button(key=f"grade_save_{cid}").click().run()
    assert services.review.grades_by_reviewer(cid)["Ana"].overall == 4
    at.segmented_control(key=f"rate_{cid}_2").set_value("needs_work").run()
    assert services.review.turn_ratings(cid) == {2: "needs_work"}


def test_editing_a_turn_in_place_keeps_a_revision(services: Services) -> None:
    at, cid = _detail(services, "Hello there.", "Old reply.")
    at.button(key=f"edit_{cid}_2").click().run()
    at.text_area(key=f"text_{cid}_2").input("New reply.").run()
    at.button(key=f"save_edit_{cid}_2").click().run()
    assert not at.exception
    assert [r.original_content for r in services.review.revisions(cid)] == ["Old reply."]


def test_previous_and_next_follow_the_grid_order(services: Services) -> None:
    older = add_conversation(services.conversations, name="Older")
    newer = add_conversation(services.conversations, name="Newer")
    at = _page(DETAIL, id=newer.conversation_id)
    at.button(key="detail_next").click().run()
    assert at.query_params["id"] == older.conversation_id and at.title[0].value == "Older"


def test_failed_generations_filter_and_offer_the_report(services: Services) -> None:
    services.db.failures.add(
        FailedGeneration(prompt="p", model="m", failure_type="truncation", stop_reason="max_tokens")
    )
    services.db.failures.add(
        FailedGeneration(prompt="p", model="m", failure_type="api_error", error_message="overloaded")
    )
    at = _page(FAILED)
    assert not at.exception and "2 failed generation(s) match." in _texts(at)
    at.multiselect(key="fg_type").select("api_error").run()
    assert "1 failed generation(s) match." in _texts(at) and "overloaded" in _texts(at)


def test_failed_generations_on_an_empty_app_say_there_are_none() -> None:
    at = _page(FAILED)
    assert not at.exception and "No failed generations" in _texts(at)


def test_editing_an_approved_conversation_asks_whether_it_stays_approved(services: Services) -> None:
    """Issue 23: an edit sends an approved conversation back to review unless the reviewer keeps it approved."""
    at, cid = _detail(services, "Hello again.", "Old answer.", review_status="approved", reviewed_by="Ben")
    at.button(key=f"edit_{cid}_2").click().run()
    at.checkbox(key=f"keep_approved_{cid}_2").check().run()
    at.text_area(key=f"text_{cid}_2").input("New answer.").run()
    at.button(key=f"save_edit_{cid}_2").click().run()
    assert not at.exception
    assert services.db.conversations.get(cid).review_status == "approved"
    at.button(key=f"edit_{cid}_1").click().run()
    at.text_area(key=f"text_{cid}_1").input("Hello once more.").run()
    at.button(key=f"save_edit_{cid}_1").click().run()
    row = services.db.conversations.get(cid)
    assert row.review_status == "pending_review" and "after approval" in (row.review_notes or "")
