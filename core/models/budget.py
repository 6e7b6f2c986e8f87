"""The budget cap of a batch job, as rules over the job's numbers (no storage, no I/O).

Spend only grows: every call ever made for the job is charged to ``cost_usd`` as it is logged, so the cap
covers failed, retried and dropped calls and calls in flight when a worker died. What the next item is
expected to cost is the average so far, else the estimate made at creation.
"""

from __future__ import annotations

from typing import Any, Protocol

EPSILON = 1e-9


class JobNumbers(Protocol):
    """What the budget rules read of a job (a ``BatchJob``, or the few columns a claim reads)."""

    @property
    def budget_usd(self) -> float | None: ...
    @property
    def cost_usd(self) -> float: ...
    @property
    def completed_items(self) -> int: ...
    @property
    def shared_parameters(self) -> dict[str, Any]: ...


def expected_item_cost(job: JobNumbers) -> float:
    """Average spend per finished item so far (retries included), else the estimate made at creation."""
    finished = job.completed_items
    if finished and job.cost_usd > 0:
        return job.cost_usd / finished
    return float(job.shared_parameters.get("estimated_item_cost_usd") or 0.0)


def items_that_fit(job: JobNumbers, busy: int, wanted: int) -> int:
    """How many of ``wanted`` more items fit the cap on top of the ``busy`` ones in flight (all of them when
    the job has no cap or its items cost nothing)."""
    if job.budget_usd is None:
        return wanted
    per_item = expected_item_cost(job)
    if per_item <= 0:
        return wanted if job.cost_usd <= job.budget_usd + EPSILON else 0
    room = job.budget_usd + EPSILON - job.cost_usd - per_item * busy
    return max(0, min(wanted, int(room // per_item)))


def over_budget(job: JobNumbers, busy: int) -> bool:
    """Would one more item (on top of those in flight) push the job's spend past its cap?"""
    return items_that_fit(job, busy, 1) == 0


def budget_reason(job: JobNumbers) -> str:
    return f"Budget cap ${job.budget_usd or 0:.2f} reached (spent ${job.cost_usd:.4f}); raise it to resume."
