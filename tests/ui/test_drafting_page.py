"""Draft my clients, journeys and topics on the Projects and Scaffolding pages: the cost first, how to add a key
without one, and with one (the fake Claude) keep / edit / drop saving exactly the kept items into the current
project, none into another."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY

PAGES = Path(__file__).resolve().parents[2] / "pages"
COACH = "Career coaching with Dana"


def _open(page: str, slug: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=60)
    at.query_params["project"] = slug
    return at.run()


def _text(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.info, *at.caption, *at.text, *at.subheader])


@pytest.fixture
def coach(services: Services) -> str:
    return services.projects.create(COACH, description="Dana coaches mid-career people.", domain="Career coaching").slug


def test_without_a_key_the_cost_and_what_claude_reads_are_shown_and_settings_is_named(
    services: Services, coach: str
) -> None:
    for page in ("projects.py", "scaffolding.py"):
        at = _open(page, coach)
        assert not at.exception, [e.value for e in at.exception]
        shown = _text(at)
        assert "Draft my clients, journeys and topics" in shown and "Expected cost: about **\\$0.0" in shown
        assert "Dana coaches mid-career people." in shown  # the request, as Claude will read it
        assert "Open Settings, paste the key" in shown
        assert not [b for b in at.button if b.key == "draft_run"]
        assert "JSON" not in shown and "persona" not in shown.lower()


def test_keep_edit_drop_adds_exactly_the_kept_items_to_the_current_project(
    services: Services, coach: str, fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    other = services.projects.create("Nursing careers").slug
    at = _open("projects.py", coach)
    assert "Expected cost: about **\\$0.0" in _text(at) and fake_claude.request_count == 0  # the cost before any call
    at = at.button(key="draft_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert fake_claude.request_count == 1
    shown = _text(at)
    assert "Priya Nair (the stalled manager)" in shown and "From self-doubt to momentum" in shown
    assert "This draft cost \\$0.0" in shown and "{" not in shown
    assert at.button(key="draft_accept").label == "Add the kept ones (12)"

    at = at.button(key="draft_drop_clients_1").click().run()  # Marcus
    at = at.button(key="draft_drop_topics_3").click().run()
    at = at.button(key="draft_drop_topics_4").click().run()
    at = at.button(key="draft_keep_topics_4").click().run()  # changed her mind
    assert "~~Networking when you hate it~~ (dropped)" in _text(at)
    at = at.button(key="draft_edit_journeys_0").click().run()
    at.text_input(key="draft_form_journeys_0_name").input("Doubt to a first step")
    save = next(b for b in at.button if b.label == "Save changes")
    at = save.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Doubt to a first step" in _text(at)
    at = at.button(key="draft_edit_clients_0").click().run()
    at.text_input(key="draft_form_clients_0_archetype").input("The stalled logistics manager")
    at = next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.button(key="draft_accept").label == "Add the kept ones (10)"
    assert not services.in_project(coach).scaffolding.list("personas")  # nothing saved before accepting

    at = at.button(key="draft_accept").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Added 3 clients, 3 emotional journeys and 4 topics." in at.success[0].value
    saved = services.in_project(coach).scaffolding
    assert saved.get("personas", "priya_nair_the_stalled_manager").archetype == "The stalled logistics manager"
    assert [p.name for p in saved.list("personas")] == [
        "Aiko Tanaka (the returner)",
        "Priya Nair (the stalled manager)",
        "Tom Reyes (the new graduate)",
    ]
    assert {a.name for a in saved.list("arcs")} == {
        "Doubt to a first step",
        "Overwhelm to focus",
        "Frustration to resolve",
    }
    assert {t.name for t in saved.list("topics")} == {
        "Explaining a career change",
        "Negotiating an offer",
        "A CV gap",
        "Choosing between two offers",  # dropped, then kept again
    }
    for elsewhere in (other, "default"):
        assert not services.in_project(elsewhere).scaffolding.list("personas")
        assert not services.in_project(elsewhere).scaffolding.list("topics")
    assert not [b for b in at.button if b.key == "draft_run"]  # the project has clients now: no more offer


def test_a_failed_draft_says_why_and_offers_to_try_again(
    services: Services, coach: str, fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    fake_claude.script("garbage")
    at = _open("scaffolding.py", coach)
    at = at.button(key="draft_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "could not be read as clients" in at.error[0].value and "Traceback" not in at.error[0].value
    assert at.button(key="draft_run").label == "Try again"
    at.text_area(key=f"draft_about_{services.projects.get(coach).id}").input("Dana coaches nurses into management.")
    at = at.run()
    assert "Dana coaches nurses into management." in _text(at)  # what Claude will read follows
    at = at.button(key="draft_run").click().run()
    assert not at.error and "Priya Nair (the stalled manager)" in _text(at)
    assert "Dana coaches nurses into management." in fake_claude.message_requests()[-1].body["messages"][0]["content"]
    assert services.projects.get(coach).description == "Dana coaches nurses into management."
