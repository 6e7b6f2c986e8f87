"""A deterministic item processor and job factory for the runner's tests."""

from __future__ import annotations

import threading
import time
from typing import Any

from core.batch.processor import ClaimAhead, ItemOutcome, PreparedItem
from core.errors import LLMError
from core.models.jobs import BatchItem, BatchJob
from core.storage.database import Database
from core.storage.ports import Connection


def make_job(db: Database, n: int = 5, **fields: Any) -> BatchJob:
    job = BatchJob(name="test job", total_items=n, **fields)
    db.jobs.add(job)
    db.items.add_many([BatchItem(job_id=job.id, position=i, parameters={"n": i}) for i in range(1, n + 1)])
    return job


class FakeProcessor:
    """Succeeds after ``delay_s`` unless the item's position has scripted errors (raised in order) or is
    listed in ``fail`` (a permanent failure). Records the most calls seen in flight at once."""

    def __init__(
        self,
        *,
        delay_s: float = 0.0,
        errors: dict[int, list[LLMError]] | None = None,
        fail: tuple[int, ...] = (),
        cost: float = 0.01,
    ) -> None:
        self.delay_s = delay_s
        self.errors = {k: list(v) for k, v in (errors or {}).items()}
        self.fail = fail
        self.cost = cost
        self.calls: list[int] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def prepare(self, job: BatchJob, item: BatchItem) -> PreparedItem:
        return PreparedItem(job, item, input_tokens=100, output_tokens=50)

    def reserve(self, prepared: PreparedItem, conn: Connection) -> None:
        """Nothing to log: the job's rate limits count no calls of this processor."""

    def execute(self, prepared: PreparedItem, ahead: ClaimAhead | None = None) -> ItemOutcome:
        position = prepared.item.position
        with self._lock:
            self.calls.append(position)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.delay_s)
            scripted = self.errors.get(position)
            if scripted:
                raise scripted.pop(0)
            if position in self.fail:
                return ItemOutcome.failure(f"item {position} is broken", cost_usd=self.cost)
            return ItemOutcome.success(
                f"conv-{prepared.item.id}", cost_usd=self.cost, input_tokens=100, output_tokens=50
            )
        finally:
            with self._lock:
                self.in_flight -= 1

    def give_up(self, prepared: PreparedItem, error: LLMError) -> ItemOutcome:
        return ItemOutcome.failure(f"gave up: {error.message}")


def rate_limited(retry_after: float = 0.01) -> LLMError:
    return LLMError("rate limited", status_code=429, retry_after=retry_after, code="rate_limited")
