"""Reads never wait for writes, on SQLite and on the real PostgreSQL.

Another process (or another thread of this one) holds a write transaction open for several seconds, as a
batch worker storing results or a job being created does; meanwhile every read a page or a command makes
— the review grid's page, the failures page, stats, spend, the migration check at start — must answer at
once, from the last commit, instead of queueing behind the writer.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from core.models.conversation import Conversation
from core.models.failures import FailureFilters
from core.models.logs import FailedGeneration, GenerationLog
from core.models.review_grid import GridQuery
from core.stats import conversation_stats
from core.storage import schema
from core.storage.database import Database
from core.storage.failures_repo import FailuresRepo
from core.storage.review_grid_repo import ReviewGridRepo
from core.storage.spend import SpendRepo, StatsRepo
from tests.support.paths import REPO_ROOT

HOLD_S = 6.0  # how long the writer keeps its transaction open
PROMPT_S = 2.0  # a read answers well within this (it would take HOLD_S behind the writer)

WRITER = """
import sys, time
import sqlalchemy as sa
from core.storage import schema
from core.storage.database import Database
db = Database(sys.argv[1])
with db.transaction() as conn:
    conn.execute(sa.update(schema.conversations).values(quality_score=1.0))
    print("writing", flush=True)
    time.sleep(float(sys.argv[2]))
db.dispose()
"""


def _seed(db: Database) -> None:
    db.conversations.add_many(
        Conversation(conversation_name=f"Talk {n}", source="imported", source_hash=f"h{n}", quality_score=4.0)
        for n in range(3)
    )
    db.failures.add(FailedGeneration(prompt="p", model="m", failure_type="truncation"))
    db.logs.add(GenerationLog(model="m", cost_usd=0.01, input_tokens=10, output_tokens=5))


READS: dict[str, Callable[[Database], object]] = {
    "review grid page": lambda db: ReviewGridRepo(db).page(GridQuery()).total,
    "review grid filter options": lambda db: ReviewGridRepo(db).filter_options(),
    "failures page": lambda db: FailuresRepo(db).page(FailureFilters()).total,
    "stats": lambda db: conversation_stats(StatsRepo(db)).conversations,
    "spend": lambda db: len(SpendRepo(db).rows()),
    "job names for spend": lambda db: SpendRepo(db).job_names(),
    "migration check": lambda db: db.pending_migrations(),
}


@contextmanager
def writer_process(db: Database) -> Iterator[None]:
    """Another process holding a write transaction (it changed every conversation) for ``HOLD_S``."""
    url = db.url if db.dialect == "sqlite" else db.engine.url.render_as_string(hide_password=False)
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(HOLD_S)], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    try:
        assert process.stdout.readline().strip() == "writing"
        yield
    finally:
        process.wait(timeout=HOLD_S + 30)
    assert process.returncode == 0


@contextmanager
def writer_thread(db: Database) -> Iterator[None]:
    """Another thread of this process holding a write transaction for ``HOLD_S``."""
    started, done = threading.Event(), threading.Event()

    def write() -> None:
        with db.transaction() as conn:
            conn.execute(sa.update(schema.conversations).values(quality_score=1.0))
            started.set()
            done.wait(HOLD_S)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert started.wait(30)
        yield
    finally:
        done.set()
        thread.join()


@pytest.mark.parametrize("writer", [writer_process, writer_thread], ids=["another process", "another thread"])
def test_reads_answer_while_a_write_is_open(db: Database, writer: Callable[[Database], object]) -> None:
    _seed(db)
    expected = {name: read(db) for name, read in READS.items()}
    with writer(db):  # type: ignore[attr-defined]
        for name, read in READS.items():
            began = time.monotonic()
            found = read(db)
            waited = time.monotonic() - began
            assert waited < PROMPT_S, f"{name} waited {waited:.1f} s behind the writer"
            assert found == expected[name], name  # the last commit: the open write is not seen
