"""``python -m core review``: decisions by id with the reviewer recorded, refusals exit 1."""

from __future__ import annotations

from typer.testing import CliRunner

from core.bootstrap import Services
from core.cli.main import app
from tests.support.review_data import add_conversation, add_ready

runner = CliRunner()


def test_approve_then_history_shows_who_and_what(services: Services) -> None:
    c = add_ready(services.conversations)
    result = runner.invoke(app, ["review", "approve", c.conversation_id, "--reviewer", "Ana", "-m", "fine"])
    assert result.exit_code == 0, result.output
    history = runner.invoke(app, ["review", "history", c.conversation_id])
    assert "Ana: approved pending_review -> approved — fine" in history.output


def test_a_refused_decision_prints_why_and_exits_1(services: Services) -> None:
    c = add_conversation(services.conversations)
    runner.invoke(app, ["review", "archive", c.conversation_id, "-r", "Ana"])
    result = runner.invoke(app, ["review", "approve", c.conversation_id, "-r", "Ana"])
    assert result.exit_code == 1 and "it is archived" in result.output
    assert services.db.conversations.get(c.conversation_id).review_status == "archived"


def test_reject_without_a_reason_is_a_usage_error(services: Services) -> None:
    c = add_conversation(services.conversations)
    result = runner.invoke(app, ["review", "reject", c.conversation_id, "-r", "Ana"])
    assert result.exit_code == 2 and services.db.conversations.get(c.conversation_id).review_status == "pending_review"


def test_approving_an_unenriched_conversation_needs_confirm_risks(services: Services) -> None:
    c = add_conversation(services.conversations)
    refused = runner.invoke(app, ["review", "approve", c.conversation_id, "-r", "Ana"])
    assert refused.exit_code == 1 and "needs your confirmation: it is not enriched" in refused.output
    assert services.db.conversations.get(c.conversation_id).review_status == "pending_review"
    done = runner.invoke(app, ["review", "approve", c.conversation_id, "-r", "Ana", "--confirm-risks"])
    assert done.exit_code == 0, done.output
    [entry] = services.review.history(c.conversation_id)
    assert entry.details == {"confirmed_risks": ["not_enriched", "not_scored"]}
