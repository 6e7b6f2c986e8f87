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
    estimate = estimate_batch(["a", "b"], ["x"], ["t1", "t2", "t3"], variations=2, concurrency=4,
                              usage_for_arc=lambda _arc: LLMUsage(input_tokens=1000, output_tokens=600),
                              model="claude-sonnet-4-5", prices=DEFAULT_PRICES)  # fmt: skip
    assert estimate.formula == "2 personas × 1 arc × 3 topics × 2 variations = 12 conversations"
    assert estimate.input_tokens == 12_000 and estimate.output_tokens == 7_200
    assert estimate.cost_batch_usd == pytest.approx(estimate.cost_online_usd / 2)
    assert estimate.cost_online_usd == pytest.approx((12_000 * 3 + 7_200 * 15) / 1e6)


def test_a_requests_per_minute_limit_lengthens_the_time_estimate() -> None:
    common = dict(variations=1, concurrency=10, usage_for_arc=lambda _a: LLMUsage(output_tokens=60),
                  model="m", prices=DEFAULT_PRICES)  # fmt: skip
    free = estimate_batch(["p"] * 10, ["a"], ["t"] * 6, **common)  # type: ignore[arg-type]
    limited = estimate_batch(["p"] * 10, ["a"], ["t"] * 6, limits=(6, None, None), **common)  # type: ignore[arg-type]
    assert limited.seconds_online == 600 and free.seconds_online < 60


def test_creating_a_job_makes_one_item_per_combination_and_variation(services: Services) -> None:
    install_defaults(services.scaffolding)
    request = BatchRequest(personas=["anxious_planner", "recently_widowed"], arcs=["anxiety_to_confidence"],
                           topics=["ignored_401k", "long_term_care"], variations=3, concurrency=2)  # fmt: skip
    job = services.batch.create(request)
    items = services.batch.items(job.id)
    assert job.total_items == len(items) == 12 and job.status == "queued"
    combos = {(i.parameters["persona_key"], i.parameters["topic_key"], i.parameters["variation"]) for i in items}
    assert len(combos) == 12 and [i.position for i in items] == list(range(1, 13))


def test_unknown_keys_are_all_named(services: Services) -> None:
    install_defaults(services.scaffolding)
    with pytest.raises(ValidationError) as caught:
        services.batch.create(BatchRequest(personas=["nobody", "ghost"], arcs="all", topics="all"))
    assert caught.value.problems == ["no persona 'nobody'", "no persona 'ghost'"]
