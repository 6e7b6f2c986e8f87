"""The estimate before a job, and creating one from scaffolding keys."""

from __future__ import annotations

import pytest

from core.batch.estimate import estimate_batch
from core.batch.service import BatchRequest
from core.bootstrap import Services
from core.errors import ValidationError
from core.llm.types import LLMUsage
from core.scaffolding.defaults import install_defaults
from core.settings import DEFAULT_PRICES


def test_the_estimate_shows_the_formula_and_half_price_for_message_batches() -> None:
    estimate = estimate_batch(
        ["a", "b"],
        ["x"],
        ["t1", "t2", "t3"],
        variations=2,
        concurrency=4,
        usage_for_arc=lambda _arc: LLMUsage(input_tokens=1000, output_tokens=600),
        model="claude-sonnet-4-5",
        prices=DEFAULT_PRICES,
    )
    assert estimate.formula == "2 personas × 1 arc × 3 topics × 2 variations = 12 conversations"
    assert estimate.input_tokens == 12_000 and estimate.output_tokens == 7_200
    assert estimate.cost_batch_usd == pytest.approx(estimate.cost_online_usd / 2)
    assert estimate.cost_online_usd == pytest.approx((12_000 * 3 + 7_200 * 15) / 1e6)


def test_a_requests_per_minute_limit_lengthens_the_time_estimate() -> None:
    common = dict(
        variations=1,
        concurrency=10,
        usage_for_arc=lambda _a: LLMUsage(output_tokens=60),
        model="m",
        prices=DEFAULT_PRICES,
    )
    free = estimate_batch(["p"] * 10, ["a"], ["t"] * 6, **common)  # type: ignore[arg-type]
    limited = estimate_batch(["p"] * 10, ["a"], ["t"] * 6, limits=(6, None, None), **common)  # type: ignore[arg-type]
    assert limited.seconds_online == 600 and free.seconds_online < 60


def test_creating_a_job_makes_one_item_per_combination_and_variation(services: Services) -> None:
    install_defaults(services.scaffolding)
    request = BatchRequest(
        personas=["anxious_planner", "recently_widowed"],
        arcs=["anxiety_to_confidence"],
        topics=["ignored_401k", "long_term_care"],
        variations=3,
        concurrency=2,
    )
    job = services.batch.create(request)
    items = services.batch.items(job.id)
    assert job.total_items == len(items) == 12 and job.status == "queued"
    combos = {(i.parameters["persona_key"], i.parameters["topic_key"], i.parameters["variation"]) for i in items}
    assert len(combos) == 12 and [i.position for i in items] == list(range(1, 13))


def test_unknown_keys_are_all_named(services: Services) -> None:
    install_defaults(services.scaffolding)
    with pytest.raises(ValidationError) as caught:
        services.batch.create(BatchRequest(personas=["nobody", "ghost"], arcs="all", topics="all"))
    assert caught.value.problems == ["no client 'nobody'", "no client 'ghost'"]


def test_planned_combinations_are_counted_one_by_one_not_as_a_product() -> None:
    plan = [("p1", "a1", "t1"), ("p2", "a1", "t2"), ("p1", "a2", "t2")]
    usage = {"a1": LLMUsage(input_tokens=1000, output_tokens=500), "a2": LLMUsage(input_tokens=2000, output_tokens=800)}
    estimate = estimate_batch(
        [],
        [],
        [],
        variations=2,
        concurrency=4,
        usage_for_arc=usage.__getitem__,
        model="m",
        prices=DEFAULT_PRICES,
        combinations=plan,
    )
    assert estimate.formula == "3 planned combinations × 2 variations = 6 conversations"
    assert estimate.input_tokens == 2 * (2 * 1000 + 2000) and estimate.output_tokens == 2 * (2 * 500 + 800)


def test_a_job_for_planned_combinations_has_exactly_those_items(services: Services) -> None:
    install_defaults(services.scaffolding)
    plan = [
        ("anxious_planner", "anxiety_to_confidence", "ignored_401k"),
        ("recently_widowed", "grief_to_healing", "long_term_care"),
    ]
    job = services.batch.create(BatchRequest(combinations=plan))
    items = services.batch.items(job.id)
    got = [(i.parameters["persona_key"], i.parameters["arc_key"], i.parameters["topic_key"]) for i in items]
    assert job.total_items == 2 and got == plan


def test_a_plan_with_an_unknown_key_is_refused_naming_it(services: Services) -> None:
    install_defaults(services.scaffolding)
    with pytest.raises(ValidationError) as caught:
        services.batch.create(BatchRequest(combinations=[("anxious_planner", "no_such_arc", "ignored_401k")]))
    assert caught.value.problems == ["no emotional journey 'no_such_arc'"]
