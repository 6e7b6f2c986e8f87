"""The budget cap of a job: the rules live in ``core.models.budget`` (what the next item is expected to
cost, how many more fit); pausing a job at its cap is part of claiming (``core.storage.jobqueue``).

Spend only grows: resubmitting failed items or resuming never forgets it, so the cap covers failed, retried
and dropped calls and calls in flight when a worker died. Resuming a job at its cap needs a higher cap.
"""

from __future__ import annotations

from core.models.budget import budget_reason, expected_item_cost, items_that_fit, over_budget

__all__ = ["budget_reason", "expected_item_cost", "items_that_fit", "over_budget"]
