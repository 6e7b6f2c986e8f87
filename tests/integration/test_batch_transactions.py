"""What one batch item costs the database: the call's ``sent`` row, then one transaction that stores the
conversation, completes the call's row, counts usage, finishes the item and claims the lane's next one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from core.batch.service import BatchRequest
from core.bootstrap import Services
from core.bootstrap.workers import WorkerOptions, build_worker
from core.models.statuses import Job
from core.storage.ports import Connection

ITEMS = 12
KEYS = {"personas": ["anxious_planner"], "arcs": ["anxiety_to_confidence"], "topics": ["roth_ira_conversion"]}


def test_an_online_item_costs_two_write_transactions(gen_services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    job = gen_services.batch.create(BatchRequest(**KEYS, variations=ITEMS, concurrency=2))
    worker = build_worker(gen_services, WorkerOptions(poll_s=0.05))
    real = gen_services.db.transaction
    counted = {"lanes": 0}

    @contextmanager
    def counting() -> Iterator[Connection]:
        if threading.current_thread().name.startswith("job-"):  # the lanes' threads
            counted["lanes"] += 1
        with real() as conn:
            yield conn

    monkeypatch.setattr(gen_services.db, "transaction", counting)
    done = worker.runner.run(job.id)
    assert (done.status, done.successful_items) == (Job.COMPLETED, ITEMS)
    # 2 per item, plus each lane's first claim and its last (finding nothing left): 6 per item before.
    assert 2 * ITEMS <= counted["lanes"] <= 2 * ITEMS + 2 * 2
