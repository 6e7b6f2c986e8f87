"""Benchmark: the review grid's server time on 10,000 conversations (target: first page < 300 ms).

Self-contained: a temporary SQLite database, migrated, seeded with 10,000 conversation rows written
directly through the repository (realistic columns and ~1.5 KB of turn text each, no blobs — the grid
never reads blobs). Timed, as the page does it: the count plus one page of 25 rows, mapped to grid
records and a DataFrame. Each timing is the median of several runs after one cold run (also printed).

Baseline, measured in the same run: the naive way — load every active row through ``Repository.list``
and sort/slice in Python. The ratio shows what querying one page in the database buys.

Before anything is timed, each page is checked against the naive answer: the first and the deep page
hold the same 25 conversations, in the same order, as sorting every row in Python; the filtered page's
rows all match its filters and it finds some; every grid frame has a row per conversation of its page.

Targets: each page < 300 ms (median) and ≤ 0.1× the baseline measured in the same run.

Run: ``.venv/bin/python bench/bench_review_grid.py [--count 10000] [--repeat 7]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd

from core.models.conversation import Conversation
from core.review.grid import grid_records
from core.review.names import load_names
from core.review.queries import GridFilters, GridQuery
from core.storage.database import Database
from core.storage.review_grid_repo import ReviewGridRepo
from core.storage.scaffolding_repo import ScaffoldingRepo

TARGET_MS, RATIO_TARGET = 300.0, 0.1
PERSONAS = ("anxious_planner", "busy_parent", "recently_widowed", "pragmatic_optimist", "skeptical_self_directed")
ARCS = ("fear_to_calm", "confusion_to_clarity", "shame_to_acceptance", "grief_to_healing", "overwhelm_to_triage")
TOPICS = ("budgeting", "retirement", "debt", "insurance", "estate", "taxes", "college", "housing")
WORDS = [
    "money",
    "plan",
    "budget",
    "worry",
    "savings",
    "debt",
    "card",
    "rent",
    "pension",
    "house",
    "child",
    "tax",
    "fee",
    "loan",
    "rate",
    "fund",
]


def seed(db: Database, count: int) -> None:
    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(250))
        rows.append(
            Conversation(
                conversation_name=f"Client {n} - {rng.choice(PERSONAS).replace('_', ' ')}",
                source="imported",
                source_hash=f"bench-{n}",
                persona_key=rng.choice(PERSONAS),
                emotional_arc_key=rng.choice(ARCS),
                topic_key=rng.choice(TOPICS),
                tier=rng.choice(("template", "scenario", "edge_case")),
                turn_count=rng.choice((6, 8, 10, 12)),
                quality_score=round(rng.uniform(1.0, 5.0), 1) if rng.random() > 0.1 else None,
                review_status=rng.choice(("pending_review",) * 6 + ("approved", "rejected", "needs_revision")),
                enrichment_status=rng.choice(("completed",) * 3 + ("not_started",)),
                processing_status="parsed",
                created_at=start + timedelta(minutes=n),
                search_text=text,
                input_parameters={"persona_key": "x", "note": text[:200]},
            )
        )
    for at in range(0, count, 1000):
        db.conversations.add_many(rows[at : at + 1000])


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(cold ms, median warm ms)."""
    began = time.perf_counter()
    fn()
    cold = (time.perf_counter() - began) * 1000
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - began) * 1000)
    return cold, statistics.median(runs)


def build_page(db: Database, query: GridQuery) -> pd.DataFrame:
    """What the review page does on the server before handing rows to the grid."""
    return pd.DataFrame(grid_records(ReviewGridRepo(db).page(query), load_names(ScaffoldingRepo(db))))


def naive_page(db: Database, query: GridQuery) -> list[Conversation]:
    rows = db.conversations.list(where={"is_active": True})
    rows.sort(key=lambda r: r.created_at, reverse=True)
    return rows[: query.page_size]


def wrong_pages(db: Database, first: GridQuery, filtered: GridQuery, deep: GridQuery) -> list[str]:
    """Each page checked against the naive answer (every active row sorted in Python); problems found."""
    every = sorted(db.conversations.list(where={"is_active": True}), key=lambda r: r.created_at, reverse=True)
    repo, problems = ReviewGridRepo(db), []
    for label, query in (("first page", first), ("deep page", deep)):
        start = (query.page - 1) * query.page_size
        want = [r.conversation_id for r in every[start : start + query.page_size]]
        page = repo.page(query)
        if page.ids != want or page.total != len(every) or len(build_page(db, query)) != len(want):
            problems.append(f"{label}: {len(page.ids)} rows of {page.total}, want {len(want)} of {len(every)}")
    page, wanted = repo.page(filtered), filtered.filters
    by_id = {r.conversation_id: r for r in every}
    matching = all(
        by_id[cid].review_status in wanted.review_status
        and by_id[cid].tier in wanted.tier
        and by_id[cid].persona_key in wanted.persona_key
        and (by_id[cid].quality_score or 0) >= (wanted.quality_min or 0)
        for cid in page.ids
    )
    if not page.ids or not matching:
        problems.append(f"filtered page: {len(page.ids)} rows, all matching the filters: {matching}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        db.upgrade()
        began = time.perf_counter()
        seed(db, args.count)
        print(f"seeded {args.count} conversations in {time.perf_counter() - began:.1f} s")
        first = GridQuery()
        filtered = GridQuery(
            filters=GridFilters(
                review_status=["pending_review"],
                tier=["template", "scenario"],
                persona_key=["anxious_planner", "busy_parent"],
                quality_min=3.0,
                quality_max=5.0,
                text="pension loan",
            ),
            sort_by="quality_score",
        )
        deep = first.model_copy(update={"page": min(200, max(1, args.count // first.page_size))})
        if problems := wrong_pages(db, first, filtered, deep):
            print("\n".join(problems))
            print("FAIL (the pages are wrong; nothing timed)")
            return 1
        cases = {
            "first page (count + 25 rows + grid frame)": lambda: build_page(db, first),
            "filtered page (status, tier, persona, quality range, text search; sort by quality)": lambda: build_page(
                db, filtered
            ),
            f"page {deep.page} (deep offset)": lambda: build_page(db, deep),
        }
        base_cold, baseline = timed(lambda: naive_page(db, first), max(1, args.repeat // 2))
        ok = True
        print(f"baseline: load all active rows and slice in Python: {baseline:.1f} ms (cold {base_cold:.1f} ms)")
        for label, fn in cases.items():
            cold, warm = timed(fn, args.repeat)
            passed = warm < TARGET_MS and warm / baseline <= RATIO_TARGET
            ok &= passed
            print(
                f"{label}: {warm:.1f} ms median (cold {cold:.1f} ms); ratio to baseline {warm / baseline:.3f}; "
                f"targets < {TARGET_MS:.0f} ms and ≤ {RATIO_TARGET}×: {'OK' if passed else 'MISSED'}"
            )
        total = ReviewGridRepo(db).page(filtered).total
        print(f"filtered set: {total} of {args.count} conversations")
        db.dispose()
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
