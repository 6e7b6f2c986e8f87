"""The held-out scorecard's judge through the real adapter and SDK, against the fake Messages API on loopback:
verdicts parsed, positions swapped, broken replies retried then recorded, the spending limit, the cache."""

from __future__ import annotations

import pytest

from core.bootstrap import Services
from core.evaluation.judge import PairJudge
from core.evaluation.scorecard import HeldOut, Scorecard, estimate, highlights
from core.models.statuses import Evaluation
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.support.responders import CannedResponder, long, short

HELD_OUT = [
    HeldOut(
        "held-1",
        [
            {"role": "system", "content": "You are a calm financial planner."},
            {"role": "user", "content": "I am scared I started saving too late."},
            {"role": "assistant", "content": "Many people feel that way; let us look at your numbers."},
            {"role": "user", "content": "I have 20,000 saved and I am 45."},
            {"role": "assistant", "content": "That is a real start. Here is a first step."},
        ],
    ),
    HeldOut(
        "held-2",
        [
            {"role": "user", "content": "Should I convert my IRA to a Roth?"},
            {"role": "assistant", "content": "It depends on your tax bracket now and later."},
        ],
    ),
]


def _scorecard(services: Services) -> Scorecard:
    judge = PairJudge(services.llm, services.call_ledger, services.settings)
    judge.retry_delay = lambda attempt, after: 0.0
    expert = services.scaffolding.active_expert()
    assert expert is not None
    return Scorecard(services.db.evaluation_runs, services.db.evaluation_judgments, judge, expert)


def test_every_client_turn_is_judged_twice_with_positions_swapped(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    base, tuned = short("base"), long("tuned")
    run = _scorecard(gen_services).run("model-1", HELD_OUT, base, tuned)
    assert (run.status, run.turns, run.conversations) == (Evaluation.COMPLETED, 3, 2)
    assert (run.wins, run.ties, run.losses, run.failures) == (3, 0, 0, 0)
    assert run.win_rate == 1.0 and run.ci_low is not None and 0.4 < run.ci_low < 1.0 and run.ci_high == 1.0
    # the conversation so far is the context: the second turn of held-1 sees the reference first answer
    assert [len(m) for m in tuned.asked] == [2, 4, 1]
    requests = fake_claude.message_requests()
    assert len(requests) == 6
    first, second = (r.body["messages"][0]["content"] for r in requests[:2])
    assert first.index("Okay.") < first.index("one step at a time")  # base shown as A first
    assert second.index("one step at a time") < second.index("Okay.")  # then tuned as A
    assert run.scores["tuned"]["empathy"] == 5.0 and run.scores["base"]["empathy"] == 3.0
    assert run.cost_usd > 0
    logs = gen_services.db.logs.list(where={"purpose": "evaluate"})
    assert len(logs) == 6 and round(sum(log.cost_usd for log in logs), 6) == pytest.approx(run.cost_usd, abs=1e-6)
    judged = gen_services.db.evaluation_judgments.list(where={"run_id": run.id})
    assert [j.verdicts for j in judged] == [["tuned", "tuned"]] * 3
    assert judged[0].reference_answer == "Many people feel that way; let us look at your numbers."
    assert len(highlights(judged, "tuned")) == 3 and highlights(judged, "base") == []


def test_a_position_biased_judge_gives_ties_not_wins(gen_services: Services, fake_claude: FakeAnthropicServer) -> None:
    fake_claude.script(*["always_a"] * 6)
    run = _scorecard(gen_services).run("model-1", HELD_OUT, short("base"), long("tuned"))
    assert (run.wins, run.ties, run.losses) == (0, 3, 0)
    assert run.win_rate == 0.5


def test_losses_are_counted_and_shown_as_the_biggest_losses(gen_services: Services) -> None:
    run = _scorecard(gen_services).run("model-1", HELD_OUT, long("base"), short("tuned"))
    assert (run.wins, run.ties, run.losses) == (0, 0, 3)
    judged = gen_services.db.evaluation_judgments.list(where={"run_id": run.id})
    losses = highlights(judged, "base")
    assert len(losses) == 3 and all(h.margin < 0 for h in losses)


@pytest.mark.parametrize("broken", ["max_tokens", "garbage", "schema_violation"])
def test_a_broken_verdict_is_asked_again_then_recorded_as_a_failure_never_a_win(
    gen_services: Services, fake_claude: FakeAnthropicServer, broken: str
) -> None:
    one = HELD_OUT[1:]
    # first order: broken then fine (retried); second order: broken twice -> the turn fails
    fake_claude.script(broken, "success", broken, broken)
    run = _scorecard(gen_services).run("model-1", one, short("base"), long("tuned"))
    assert (run.wins, run.ties, run.losses, run.failures) == (0, 0, 0, 1)
    assert run.win_rate is None and run.status == Evaluation.COMPLETED
    [judged] = gen_services.db.evaluation_judgments.list(where={"run_id": run.id})
    assert judged.outcome == "failed" and judged.error and "2 times" in judged.error
    assert fake_claude.request_count == 4
    assert run.cost_usd > 0  # the broken replies were paid for


def test_the_spending_limit_stops_the_run_between_calls(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    card = _scorecard(gen_services)
    plan = estimate(HELD_OUT, card.judge.model, gen_services.settings)
    per_turn = plan.estimate_usd / plan.turns
    run = card.run("model-1", HELD_OUT, short("base"), long("tuned"), budget_usd=per_turn * 1.5)
    assert run.status == Evaluation.BUDGET_REACHED
    assert run.message and "spending limit" in run.message
    assert run.cost_usd <= per_turn * 1.5
    assert fake_claude.request_count < 6
    assert run.wins + run.ties + run.losses + run.failures < 3


def test_a_rerun_with_the_same_answers_is_served_from_the_cache(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    card = _scorecard(gen_services)
    first = card.run("model-1", HELD_OUT, short("base"), long("tuned"))
    calls = fake_claude.request_count
    again = card.run("model-1", HELD_OUT, short("base"), long("tuned"))
    assert fake_claude.request_count == calls
    assert (again.wins, again.cost_usd) == (first.wins, 0.0)
    changed = card.run("model-1", HELD_OUT, short("base"), CannedResponder("tuned", lambda m: "A new answer, longer."))
    assert fake_claude.request_count == calls + 6 and changed.cost_usd > 0


def test_the_estimate_spends_nothing_and_counts_turns(gen_services: Services, fake_claude: FakeAnthropicServer) -> None:
    plan = estimate(HELD_OUT, gen_services.settings.cheap_model, gen_services.settings, limit=1)
    assert (plan.conversations, plan.turns, plan.calls) == (1, 2, 4)
    assert plan.estimate_usd > 0 and fake_claude.request_count == 0
