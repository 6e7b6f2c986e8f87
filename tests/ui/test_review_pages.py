"""The review pages' non-grid parts: reviewer identity, filters, paging, the detail view's actions, failures."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.models.logs import FailedGeneration
from tests.support.paths import REPO_ROOT
from tests.support.review_data import add_conversation

APP = str(REPO_ROOT / "app.py")
REVIEW, DETAIL, FAILED = "pages/review.py", "pages/conversation.py", "pages/failed_generations.py"


def _page(path: str, reviewer: str | None = "Ana", **state: object) -> AppTest:
    """The page inside the app (its links and page switches need the app's navigation)."""
    at = AppTest.from_file(APP, default_timeout=30)
    if reviewer:
        at.session_state["reviewer_name"] = reviewer
    for key, value in state.items():
        at.session_state[key] = value
    return at.run().switch_page(path).run()


def _texts(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.caption, *at.markdown, *at.info, *at.success, *at.error, *at.warning])


def test_review_asks_for_a_reviewer_name_once(services: Services) -> None:
    add_conversation(services.conversations)
    at = _page(REVIEW, reviewer=None)
    assert not at.exception and "Enter your name" in _texts(at)
    at.text_input(key="reviewer_name_input").input("Ana")
    at.button(key="reviewer_name_continue").click().run()
    assert at.session_state["reviewer_name"] == "Ana" and "Reviewing as **Ana**" in _texts(at)


def test_review_on_an_empty_app_points_to_home() -> None:
    at = _page(REVIEW)
    assert not at.exception and "No conversations to review yet" in _texts(at)


def test_the_grid_page_shows_the_count_and_filters_narrow_it(services: Services) -> None:
    add_conversation(services.conversations, tier="scenario")
    add_conversation(services.conversations, tier="template")
    at = _page(REVIEW)
    assert not at.exception and "Showing 1 to 2 of 2" in _texts(at)
    at.multiselect(key="rf_tier").select("scenario").run()
    assert "Showing 1 to 1 of 1" in _texts(at)


def test_a_search_that_matches_nothing_says_so(services: Services) -> None:
    add_conversation(services.conversations, "Talk about pensions", "Sure")
    at = _page(REVIEW)
    at.text_input(key="rf_text").input("annuity").run()
    assert "No conversation matches these filters" in _texts(at)


def test_next_page_moves_through_the_filtered_set(services: Services) -> None:
    for _ in range(27):
        add_conversation(services.conversations)
    at = _page(REVIEW)
    assert "page 1 of 2" in _texts(at)
    at.button(key="review_next_page").click().run()
    assert "Showing 26 to 27 of 27 · page 2 of 2" in _texts(at)


def test_bulk_actions_wait_for_a_selection(services: Services) -> None:
    add_conversation(services.conversations)
    at = _page(REVIEW)
    assert all(at.button(key=k).disabled for k in ("bulk_approve", "bulk_reject", "bulk_enrich", "bulk_training"))


def test_open_switches_to_the_detail_view_of_the_picked_conversation(services: Services) -> None:
    c = add_conversation(services.conversations, name="Maya - anxious planner")
    at = _page(REVIEW)
    at.button(key="review_open").click().run()
    assert not at.exception and at.session_state["review_open_id"] == c.conversation_id
    assert at.title[0].value == "Maya - anxious planner"


def _detail(services: Services, *texts: str) -> tuple[AppTest, str]:
    c = add_conversation(services.conversations, *texts)
    return _page(DETAIL, review_open_id=c.conversation_id), c.conversation_id


def test_detail_shows_turns_with_emotion_and_the_raw_download(services: Services) -> None:
    at, _ = _detail(services, "I lost my job.", "That is a lot to carry.")
    assert not at.exception
    assert "Turn 1 · worried · intensity 0.50" in _texts(at)
    assert "Enriched JSON: not available (not_started)" in _texts(at)


def test_approving_from_the_detail_view_records_the_reviewer(services: Services) -> None:
    at, cid = _detail(services)
    at.radio(key="decision_pick").set_value("approve")
    at.button(key="decision_submit").click().run()
    assert "Now approved." in _texts(at)
    assert services.db.conversations.get(cid).reviewed_by == "Ana"
    assert "**Ana** · approved" in _texts(at)


def test_a_reject_without_reason_is_refused_and_says_why(services: Services) -> None:
    at, cid = _detail(services)
    at.radio(key="decision_pick").set_value("reject")
    at.button(key="decision_submit").click().run()
    assert "A rejection needs a reason" in _texts(at)
    assert services.db.conversations.get(cid).review_status == "pending_review"


def test_grade_and_turn_rating_are_saved(services: Services) -> None:
    at, cid = _detail(services)
    at.slider(key="grade_overall").set_value(5)
    at.button(key="grade_save").click().run()
    assert "Grade 5/5 saved." in _texts(at)
    at.radio(key=f"rate_{cid}_2").set_value("needs_work")
    at.text_input(key=f"note_{cid}_2").input("too long").run()
    at.button(key=f"save_rate_{cid}_2").click().run()
    assert services.review.turn_ratings(cid) == {2: "needs_work"}
    assert "Note: too long" in _texts(at)


def test_editing_a_turn_from_the_detail_view_keeps_a_revision(services: Services) -> None:
    at, cid = _detail(services, "Hello there.", "Old reply.")
    at.text_area(key=f"text_{cid}_2").input("New reply.").run()
    at.button(key=f"save_edit_{cid}_2").click().run()
    assert not at.exception and "Turn 2 saved" in _texts(at)
    assert [r.original_content for r in services.review.revisions(cid)] == ["Old reply."]


def test_previous_and_next_follow_the_grid_order(services: Services) -> None:
    older = add_conversation(services.conversations, name="Older")
    newer = add_conversation(services.conversations, name="Newer")
    at = _page(DETAIL, review_open_id=newer.conversation_id)
    assert at.button(key="detail_prev").disabled
    at.button(key="detail_next").click().run()
    assert at.title[0].value == "Older" and at.session_state["review_open_id"] == older.conversation_id


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
