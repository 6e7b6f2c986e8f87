"""``python -m core --project SLUG project draft [--yes] [--json]``: the estimate first, Claude's proposals (the fake
Messages API), added to that project only when asked."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from core.cli.main import app
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY

runner = CliRunner()
COACH = ("--project", "career-coach")


def invoke(*args: str, entered: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=entered)
    return result.exit_code, result.output


def names(*project: str) -> list[str]:
    code, out = invoke(*project, "scaffolding", "list", "personas", "--json")
    assert code == 0, out
    return [p["name"] for p in json.loads(out)]


@pytest.fixture
def coach() -> None:
    code, out = invoke("project", "create", "Career coach", "--description", "Dana coaches people changing jobs.")
    assert (code, out.strip()) == (0, "career-coach")


@pytest.fixture
def with_key(fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch) -> FakeAnthropicServer:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    return fake_claude


def test_without_a_key_the_estimate_is_printed_and_drafting_says_how_to_add_one(coach: None) -> None:
    code, out = invoke(*COACH, "project", "draft", "--json")
    plan = json.loads(out)
    assert code == 0 and plan["estimate_usd"] > 0 and "Dana coaches people changing jobs." in plan["prompt"]
    code, out = invoke(*COACH, "project", "draft", "--yes")
    assert code == 1 and "No Claude key is set yet" in out and "ANTHROPIC_API_KEY" in out
    assert "Traceback" not in out and names(*COACH) == []


def test_yes_adds_every_proposal_to_the_project_it_is_given(coach: None, with_key: FakeAnthropicServer) -> None:
    code, out = invoke(*COACH, "project", "draft", "--yes", "--json")
    assert code == 0, out
    done = json.loads(out)
    assert [len(done["added"][k]) for k in ("clients", "journeys", "topics")] == [4, 3, 5]
    assert done["cost_usd"] > 0 and with_key.request_count == 1
    assert "Priya Nair (the stalled manager)" in names(*COACH)
    assert names() == []  # the first project got nothing


def test_asked_first_and_nothing_added_when_declined(coach: None, with_key: FakeAnthropicServer) -> None:
    code, out = invoke(*COACH, "project", "draft", entered="n\n")
    assert code == 0 and "Estimated cost: $" in out and with_key.request_count == 0
    code, out = invoke(*COACH, "project", "draft", entered="y\nn\n")
    assert code == 0 and "Priya Nair (the stalled manager)" in out and with_key.request_count == 1
    assert names(*COACH) == []
