"""The cost view's figures: spend per day and group, totals, per conversation and per training file."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.bootstrap import Services
from core.costs import SINGLE, conversation_costs, spend_over_time, totals
from core.demo import DEMO_TRAINING_FILE, fill_demo
from core.names import Names
from core.storage.spend import SpendRow, spend_rows


def _row(day: int, cost: float, *, model: str = "sonnet", job: str | None = None, cid: str | None = None) -> SpendRow:
    return SpendRow(
        created_at=datetime(2026, 3, day, 12, tzinfo=UTC),
        model=model,
        purpose="generate",
        job_id=job,
        template_id=None,
        conversation_id=cid,
        cost_usd=cost,
    )


ROWS = [
    _row(2, 0.5, model="haiku", cid="a"),
    _row(1, 1.0, job="j1", cid="a"),
    _row(1, 2.0, job="j1", cid="b"),
    _row(3, 0.25, cid="c"),
]


def test_spend_is_summed_per_day_and_group_in_day_order() -> None:
    points = spend_over_time(ROWS, "model", Names(), {})
    assert [(p.day, p.group, p.cost_usd, p.calls) for p in points] == [
        (date(2026, 3, 1), "sonnet", 3.0, 2),
        (date(2026, 3, 2), "haiku", 0.5, 1),
        (date(2026, 3, 3), "sonnet", 0.25, 1),
    ]


def test_jobs_are_named_and_single_generations_grouped() -> None:
    found = totals(spend_over_time(ROWS, "job", Names(), {"j1": "March batch"}))
    assert [(t.name, t.cost_usd, t.calls) for t in found] == [("March batch", 3.0, 2), (SINGLE, 0.75, 2)]


def test_a_conversation_costs_every_call_made_for_it() -> None:
    assert conversation_costs(ROWS) == {"a": 1.5, "b": 2.0, "c": 0.25}


def test_the_demo_report_adds_up_apart_from_real_spend(services: Services) -> None:
    fill_demo(services)
    whole = services.cost_report()
    assert (whole.total_usd, whole.calls) == (0.0, 0)  # the demo spent nothing
    report = whole.demo
    assert report is not None and report.total_usd > 0 and report.calls == services.db.logs.count()
    for lines in report.totals.values():
        assert round(sum(line.cost_usd for line in lines), 6) == report.total_usd
    assert {line.name for line in report.totals["job"]} >= {SINGLE}
    assert all("-" not in line.name[:8] for line in report.totals["template"])  # names, not UUIDs
    training = next(f for f in report.training_files if f.name == DEMO_TRAINING_FILE)
    approved = {c.conversation_id for c in services.db.conversations.list(where={"review_status": "approved"})}
    per_conversation = conversation_costs([r for r in spend_rows(services.db) if r.conversation_id in approved])
    assert training.conversations == len(approved)
    assert abs(training.cost_usd - sum(per_conversation.values())) < 1e-6


def test_a_real_call_is_spend_and_the_demo_rows_never_add_to_it(services: Services) -> None:
    from core.llm.calllog import call_log
    from core.llm.types import LLMReply, LLMUsage
    from core.models.statuses import Call

    fill_demo(services)
    reply = LLMReply(text="hi", stop_reason="end_turn", model="m", usage=LLMUsage(input_tokens=10, output_tokens=5))
    services.db.logs.add(call_log(reply=reply, model="m", purpose="key_test", cost_usd=0.125, status=Call.SUCCESS))
    report = services.cost_report()
    assert (report.total_usd, report.calls) == (0.125, 1)
    assert [line.name for line in report.totals["purpose"]] == ["Key test"]
    assert report.demo is not None and report.demo.calls == services.db.logs.count() - 1
    assert all(row.is_demo for row in services.db.logs.list() if row.purpose != "key_test")
