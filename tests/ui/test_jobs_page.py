"""The Jobs page: the estimate before creating, a created job's live view, and its controls."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.batch.service import BatchRequest
from core.bootstrap import Services
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page("pages/jobs.py").run()


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch, fake_claude: FakeAnthropicServer) -> None:
    """A working Claude key (the fake Messages API), as the pre-flight check needs before a job starts."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)


def test_without_scaffolding_the_page_links_to_it() -> None:
    at = _open_page()
    assert not at.exception, [e.value for e in at.exception]
    assert "scaffolding" in at.info[0].value.lower()


def test_choosing_scaffolding_shows_the_count_as_a_formula_and_both_costs(svc: Services) -> None:
    at = _open_page()
    at.multiselect(key="jobs_personas").set_value(["anxious_planner", "recently_widowed"])
    at.multiselect(key="jobs_arcs").set_value(["anxiety_to_confidence"])
    at.multiselect(key="jobs_topics").set_value(["ignored_401k", "eldercare_costs", "long_term_care"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("2 personas × 1 arc × 3 topics = 6 conversations" in m.value for m in at.markdown)
    assert {m.label for m in at.metric} >= {"Cost now", "Cost at half price", "Time now"}


def test_creating_a_job_shows_its_live_view(svc: Services, keyed: None) -> None:
    at = _open_page()
    at.multiselect(key="jobs_personas").set_value(["anxious_planner"])
    at.multiselect(key="jobs_arcs").set_value(["anxiety_to_confidence"])
    at.multiselect(key="jobs_topics").set_value(["ignored_401k"]).run()
    at.button(key="jobs_create").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = svc.batch.list()[0]
    assert job.total_items == 1 and at.selectbox(key="jobs_pick").value == job.id
    assert "Created" in " ".join(c.value for c in at.code)
    assert "Job created: 1 conversations" in at.success[0].value
    assert at.multiselect(key="jobs_personas").value == []  # the form is empty again: no duplicate one click away
    assert "Why it waits" in " ".join(c.value for c in at.caption)


def test_pause_then_cancel_from_the_live_view(svc: Services) -> None:
    job = svc.batch.create(BatchRequest(personas=["anxious_planner"], arcs=["anxiety_to_confidence"], topics="all"))
    at = _open_page()
    at.button(key="jobs_pause").click().run()
    assert svc.db.jobs.get(job.id).status == "paused"
    at.button(key="jobs_cancel").click().run()
    cancelled = svc.db.jobs.get(job.id)
    assert not at.exception and cancelled.status == "cancelled"
    assert cancelled.cancelled_items == cancelled.total_items


def test_a_plan_from_the_export_page_becomes_a_job_of_exactly_those_combinations(svc: Services, keyed: None) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["planned_batch"] = [
        {"persona_key": "anxious_planner", "arc_key": "anxiety_to_confidence", "topic_key": "ignored_401k"},
        {"persona_key": "recently_widowed", "arc_key": "grief_to_healing", "topic_key": "long_term_care"},
    ]
    at = at.run().switch_page("pages/jobs.py").run()
    assert any("2 planned combinations = 2 conversations" in m.value for m in at.markdown)
    at.button(key="jobs_create_planned").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = svc.batch.list()[0]
    assert job.total_items == 2 and "planned_batch" not in at.session_state


def test_without_a_key_no_job_is_created_and_the_page_says_where_to_add_one(svc: Services) -> None:
    at = _open_page()
    at.multiselect(key="jobs_personas").set_value(["anxious_planner"])
    at.multiselect(key="jobs_arcs").set_value(["anxiety_to_confidence"])
    at.multiselect(key="jobs_topics").set_value(["ignored_401k"]).run()
    at.button(key="jobs_create").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert svc.batch.list() == []
    errors = " ".join(e.value for e in at.error)
    assert "needs a working Claude key" in errors and "Settings page" in errors


def test_with_a_dead_key_no_job_is_created(svc: Services, keyed: None, fake_claude: FakeAnthropicServer) -> None:
    import core.claude_key

    core.claude_key._checked.clear()
    fake_claude.script("auth_error")
    at = _open_page()
    at.multiselect(key="jobs_personas").set_value(["anxious_planner"])
    at.multiselect(key="jobs_arcs").set_value(["anxiety_to_confidence"])
    at.multiselect(key="jobs_topics").set_value(["ignored_401k"]).run()
    at.button(key="jobs_create").click().run()
    assert svc.batch.list() == [] and "did not work" in " ".join(e.value for e in at.error)


def test_a_finished_job_shows_no_speed_and_does_not_refresh(svc: Services) -> None:
    job = svc.batch.create(BatchRequest(personas=["anxious_planner"], arcs=["anxiety_to_confidence"], topics="all"))
    svc.batch.cancel(job.id)
    at = _open_page()
    assert not at.exception, [e.value for e in at.exception]
    labels = {m.label for m in at.metric}
    assert "Speed" not in labels and "Time left" not in labels and "Rate" not in labels
    assert not any("updates by itself" in c.value or "2 seconds" in c.value for c in at.caption)


def test_worker_commands_and_message_batches_are_only_under_advanced(svc: Services) -> None:
    at = _open_page()
    everywhere = [c.value for c in at.caption if "python -m core" in c.value]
    advanced = next(e for e in at.expander if e.label.startswith("Advanced"))
    inside = [c.value for c in advanced.caption if "python -m core" in c.value]
    assert everywhere and everywhere == inside
    assert at.radio(key="jobs_mode") in list(advanced.radio)
