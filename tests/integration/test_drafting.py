"""Draft my clients, journeys and topics: the request, its estimate, the call through the real SDK to the fake
Messages API, the answer read into proposals (also when it is cut off or broken), and accepting the kept ones
into the current project only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.bootstrap import Services, build_services
from core.errors import LLMOutputError, LLMUnavailableError, ValidationError
from core.models.statuses import Call
from core.settings import Settings
from tests.fakes.anthropic_server import FakeAnthropicServer

NAME = "Career coaching with Dana"
ABOUT = "Dana coaches mid-career people who want to change jobs, one conversation at a time."
DOMAIN = "Career coaching"


def _coach(base: Services) -> Services:
    project = base.projects.create(NAME, description=ABOUT, domain=DOMAIN)
    coach = base.in_project(project.slug)
    coach.drafting.retry_delay = lambda attempt, after: 0.0
    return coach


@pytest.fixture
def coach(claude_settings: Settings) -> Iterator[Services]:
    base = build_services(claude_settings)
    yield _coach(base)
    base.close()


def test_without_a_key_the_request_and_its_cost_are_shown_and_nothing_is_sent(services: Services) -> None:
    coach = _coach(services)
    plan = coach.drafting.plan()
    assert not plan.has_key and plan.estimate_usd > 0 and plan.model == coach.settings.model
    for words in (NAME, ABOUT, DOMAIN, "clients", "emotional journeys", "topics"):
        assert words in plan.prompt
    assert "JSON" not in plan.prompt and "{" not in plan.prompt  # what the expert reads is in plain words
    assert '"who_they_are"' in plan.system  # the answer's shape is told to Claude apart
    typed = coach.drafting.plan(name="Dana's practice", description="Dana helps nurses.", domain="Nursing careers")
    assert "Dana helps nurses." in typed.prompt and "Nursing careers" in typed.prompt and ABOUT not in typed.prompt
    with pytest.raises(LLMUnavailableError) as caught:
        coach.drafting.draft(plan)
    assert "No Claude key" in caught.value.message and "Settings page" in (caught.value.hint or "")
    assert coach.db.logs.count() == 0


def test_a_draft_proposes_a_starter_set_in_the_coachs_words_and_saves_nothing(
    coach: Services, fake_claude: FakeAnthropicServer
) -> None:
    plan = coach.drafting.plan()
    found = coach.drafting.draft(plan)
    assert (len(found.clients), len(found.journeys), len(found.topics)) == (4, 3, 5)
    priya = found.clients[0]
    assert priya.name == "Priya Nair (the stalled manager)" and priya.archetype.startswith("A mid-career manager")
    assert "logistics" in (priya.financial_situation or "") and priya.communication_style
    assert found.journeys[0].starting_emotion == "self-doubt" and found.journeys[0].arc_strategy
    assert found.topics[1].complexity_level == "advanced" and found.topics[1].key_concepts
    assert not found.cut_off and found.skipped == 0 and found.cost_usd > 0
    for kind in ("personas", "arcs", "topics"):
        assert coach.scaffolding.list(kind) == []
    sent = fake_claude.message_requests()[0].body
    assert sent["model"] == coach.settings.model and DOMAIN in sent["messages"][0]["content"]
    [row] = coach.db.logs.list()
    assert (row.purpose, row.status, row.conversation_id) == ("draft_starter", Call.SUCCESS, None)
    assert row.cost_usd == pytest.approx(found.cost_usd) and row.project_id == coach.project_id
    assert "Priya Nair" in (row.response_payload or {})["text"]  # the answer is kept with its call


def test_its_spend_is_shown_on_costs_under_the_project_only(coach: Services) -> None:
    found = coach.drafting.draft(coach.drafting.plan())
    report = coach.cost_report()
    assert report.total_usd == pytest.approx(found.cost_usd)
    purposes = {line.name for line in report.totals["purpose"]}
    assert purposes == {"Drafting clients, journeys and topics"}
    assert coach.in_project("default").cost_report().total_usd == 0


def test_accepting_saves_only_the_kept_and_edited_items_into_the_current_project(coach: Services) -> None:
    found = coach.drafting.draft(coach.drafting.plan())
    coach.scaffolding.save("personas", {"name": "Priya Nair (the stalled manager)", "archetype": "Already here"})
    edited = coach.drafting.revise(found.topics[0], {"name": "Telling the story of a career change"})
    done = coach.drafting.accept([found.clients[0], found.clients[2], found.journeys[1], edited])
    assert done.summary() == "Added 2 clients, 1 emotional journey and 1 topic."
    clients = {p.name: p for p in coach.scaffolding.list("personas")}
    assert set(clients) == {"Priya Nair (the stalled manager)", "Aiko Tanaka (the returner)"}
    assert len(coach.scaffolding.list("personas")) == 3  # the one already there, and two new with their own keys
    assert len({p.persona_key for p in coach.scaffolding.list("personas")}) == 3
    assert [a.name for a in coach.scaffolding.list("arcs")] == ["Overwhelm to focus"]
    [topic] = coach.scaffolding.list("topics")
    assert topic.name == "Telling the story of a career change" and topic.key_concepts == found.topics[0].key_concepts
    first = coach.in_project("default")
    assert first.scaffolding.list("personas") == [] and first.scaffolding.list("topics") == []


def test_an_edit_that_breaks_a_rule_is_refused_in_plain_words(coach: Services) -> None:
    found = coach.drafting.draft(coach.drafting.plan())
    with pytest.raises(ValidationError) as caught:
        coach.drafting.revise(found.journeys[0], {"starting_emotion": ""})
    assert "Feeling at the start" in caught.value.user_message


def test_an_answer_cut_off_midway_keeps_every_complete_item(coach: Services, fake_claude: FakeAnthropicServer) -> None:
    fake_claude.script("max_tokens")
    found = coach.drafting.draft(coach.drafting.plan())
    assert found.cut_off and 0 < found.count < 12 and len(found.clients) == 4
    [row] = coach.db.logs.list()
    assert row.status == Call.SUCCESS and row.stop_reason == "max_tokens"


def test_a_broken_object_still_gives_its_items(coach: Services, fake_claude: FakeAnthropicServer) -> None:
    fake_claude.script("malformed_json")
    found = coach.drafting.draft(coach.drafting.plan())
    assert (len(found.clients), len(found.journeys), len(found.topics)) == (4, 3, 5)


@pytest.mark.parametrize("behaviour", ["garbage", "schema_violation"])
def test_an_answer_with_nothing_usable_keeps_its_text_and_its_cost(
    coach: Services, fake_claude: FakeAnthropicServer, behaviour: str
) -> None:
    fake_claude.script(behaviour)
    with pytest.raises(LLMOutputError) as caught:
        coach.drafting.draft(coach.drafting.plan())
    assert "could not be read as clients" in caught.value.message
    assert "what you typed is kept" in (caught.value.hint or "")
    assert caught.value.raw_text and "Traceback" not in caught.value.user_message
    [row] = coach.db.logs.list()
    assert row.status == Call.FAILED and row.cost_usd > 0 and (row.response_payload or {})["text"]
    assert coach.scaffolding.list("personas") == []


@pytest.mark.parametrize("busy", ["rate_limited", "overloaded", "server_error"])
def test_a_busy_claude_is_retried_each_try_logged(coach: Services, fake_claude: FakeAnthropicServer, busy: str) -> None:
    fake_claude.script(busy, "success")
    found = coach.drafting.draft(coach.drafting.plan())
    assert found.count == 12 and fake_claude.request_count == 2
    assert sorted(r.status for r in coach.db.logs.list()) == [Call.FAILED, Call.SUCCESS]


def test_a_claude_still_busy_after_retries_says_so_and_that_nothing_is_lost(
    coach: Services, fake_claude: FakeAnthropicServer
) -> None:
    fake_claude.script("rate_limited", "rate_limited")
    with pytest.raises(LLMUnavailableError) as caught:
        coach.drafting.draft(coach.drafting.plan())
    assert "rate limit" in caught.value.message
    assert caught.value.hint == "Nothing was saved, and what you typed is kept. Try again in a minute."
    assert "concurrency" not in caught.value.user_message


def test_a_dead_key_points_to_settings(coach: Services, fake_claude: FakeAnthropicServer) -> None:
    fake_claude.script("auth_error")
    with pytest.raises(LLMUnavailableError) as caught:
        coach.drafting.draft(coach.drafting.plan())
    assert caught.value.message == "Claude refused the key, so nothing was drafted."
    assert "Settings page" in (caught.value.hint or "") and "ANTHROPIC_API_KEY" in (caught.value.terminal_hint or "")
    assert fake_claude.request_count == 1  # a refused key is not retried
