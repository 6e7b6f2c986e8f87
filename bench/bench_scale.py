"""Benchmark: a 100,000-item batch job on SQLite and on a real PostgreSQL, against a 1,000-item one.

For each backend, the real worker (``build_worker``: claims, the generation processor, the fake Messages
API at zero latency, concurrency 16) works a window of ``--window`` items twice, in the same run:

- the small job: 1,000 items (the default scaffolding plus 5 topics copied from its own: 1,000
  combinations), the window from its start;
- the large job: 100,000 items (× 100 variations), created through ``BatchService.create`` (timed), with the first
  90% finished as the worker leaves them (as late in a real run: the cost of a claim or a finish must not
  grow with the items already finished, nor with the conversations and log rows they stored): each of
  those items completed and pointing at its own stored conversation row, with its call-log row and a
  job-log line, all cloned from what the worker stored for the small job; then the window.

Only items that succeeded count as finished: each window must end with ``--window`` more successful
items, no failed one, and as many more conversations stored; else the run fails before any ratio.

Printed per backend: creation time of the large job; time per item in each window and their ratio;
the worker process's resident memory at the start and end of the large window; and the slowest of
``BatchService.progress`` (what ``batch status`` and the Jobs page ask) timed from another thread while
the window runs.

Targets: creation ≤ 10 s; per item at 100k ≤ 1.3× per item at 1k; memory growth over the window ≤ 10%;
``batch status`` < 0.5 s mid-run.

Run: ``.venv/bin/python bench/bench_scale.py [--window 500] [--backends sqlite postgres]``
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _browser import rss_mb  # noqa: E402
from _fake_api import fake_api  # noqa: E402

from core.batch.service import BatchRequest  # noqa: E402
from core.bootstrap import Services, build_services  # noqa: E402
from core.bootstrap.workers import WorkerOptions, build_worker  # noqa: E402
from core.models.base import new_id  # noqa: E402
from core.models.statuses import Item  # noqa: E402
from core.scaffolding.defaults import install_defaults  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.storage import schema  # noqa: E402

CREATE_TARGET_S, PER_ITEM_TARGET, MEMORY_TARGET, STATUS_TARGET_S = 10.0, 1.3, 1.10, 0.5
SMALL_VARIATIONS, LARGE_VARIATIONS, DONE_SHARE = 1, 100, 0.9
CHUNK = 2000  # rows per insert while marking items done
EXTRA_TOPICS = 5  # 5 personas × 10 arcs × 20 topics = 1,000 combinations; × 100 variations = 100,000 items


@dataclass
class Window:
    per_item_ms: float
    rss_start_mb: float
    rss_end_mb: float
    slowest_status_s: float


@contextmanager
def backend(name: str, folder: Path) -> Iterator[str | None]:
    """None for SQLite (the embedded backend), else the URL of a fresh database on a real PostgreSQL."""
    if name == "sqlite":
        yield None
        return
    from tests.support.postgres import start_postgres

    server = start_postgres()
    try:
        admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE brightrun_bench"))
        admin.dispose()
        yield server.url("brightrun_bench")
    finally:
        server.stop()


def add_topics(services: Services, count: int) -> None:
    """``count`` more topics, each a copy of a default one under a new key."""
    topics = services.scaffolding.list("topics")
    for n in range(count):
        data = topics[n % len(topics)].model_dump(exclude={"id", "created_at", "updated_at"})
        data |= {"topic_key": f"bench_topic_{n}", "name": f"Bench topic {n}"}
        services.scaffolding.save("topics", data)


def mark_done(services: Services, job_id: str, share: float, like_job: str) -> int:
    """The first ``share`` of the job's items finished as the worker leaves them: each completed, with its own
    stored conversation row, call-log row and job-log line, cloned from what the worker stored for ``like_job``.
    Returns how many items were marked."""
    db, items = services.db, schema.batch_items
    done_item = db.items.list(where={"job_id": like_job, "status": Item.COMPLETED}, limit=1)[0]
    conversation = db.conversations.get(done_item.conversation_id or "")
    call = db.logs.list(where={"conversation_id": conversation.conversation_id}, limit=1)[0]
    line = db.batch_logs.list(where={"job_id": like_job}, limit=1)[0]
    total = db.items.count(where={"job_id": job_id})
    done, prefix = int(total * share), f"bench-{job_id[:8]}-"
    # Rows as the repositories write them (each model turned into a row once), inserted in chunks.
    clones = (
        (schema.conversations, db.conversations.to_row(conversation), {"conversation_id", "source_hash"}),
        (schema.generation_logs, db.logs.to_row(call), {"conversation_id"}),
        (schema.batch_logs, db.batch_logs.to_row(line), set()),
    )
    for start in range(1, done + 1, CHUNK):
        ids = [f"{prefix}{position}" for position in range(start, min(start + CHUNK, done + 1))]
        with db.transaction() as conn:
            for table, row, per_item in clones:
                rows = [row | {"id": new_id(), "job_id": job_id} | dict.fromkeys(per_item, cid) for cid in ids]
                conn.execute(sa.insert(table), rows)
    with db.transaction() as conn:
        finished = sa.and_(items.c.job_id == job_id, items.c.position <= done)
        values = {
            "status": Item.COMPLETED,
            "conversation_id": sa.literal(prefix) + sa.cast(items.c.position, sa.String),
            "input_tokens": done_item.input_tokens,
            "output_tokens": done_item.output_tokens,
            "cost_usd": done_item.cost_usd,
            "finished_at": done_item.finished_at,
        }
        conn.execute(sa.update(items).where(finished).values(**values))
        services.job_queue.recount(conn, job_id)
    return done


@dataclass
class Tally:
    successful: int
    failed: int
    conversations: int


def tally(services: Services, job_id: str) -> Tally:
    job = services.db.jobs.get(job_id)
    return Tally(job.successful_items, job.failed_items, services.db.conversations.count())


def work_window(services: Services, job_id: str, window: int) -> Window:
    """Run the real worker on ``job_id`` until ``window`` more items have succeeded; time and watch it.

    Raises if any item failed or an item's conversation was not stored: a fast failure is not a finish."""
    before = tally(services, job_id)
    start_done = before.successful
    stop = threading.Event()
    status_times: list[float] = []

    def watch() -> None:
        while not stop.is_set():
            began = time.perf_counter()
            progress = services.batch.progress(job_id)
            status_times.append(time.perf_counter() - began)
            if progress.job.successful_items - start_done >= window or progress.job.failed_items > before.failed:
                stop.set()
            stop.wait(0.2)

    worker = build_worker(services, WorkerOptions(poll_s=0.05))
    watcher = threading.Thread(target=watch, daemon=True)
    rss_start = rss_mb(os.getpid())
    began = time.perf_counter()
    watcher.start()
    worker.runner.run(job_id, stop=stop)
    elapsed = time.perf_counter() - began
    stop.set()
    watcher.join()
    after = tally(services, job_id)
    finished = after.successful - start_done
    if finished < window or after.failed != before.failed or after.conversations - before.conversations != finished:
        raise RuntimeError(
            f"the window did not do its work: {finished} of {window} items succeeded, "
            f"{after.failed - before.failed} failed, {after.conversations - before.conversations} conversations stored"
        )
    return Window(elapsed / max(finished, 1) * 1000, rss_start, rss_mb(os.getpid()), max(status_times, default=0.0))


def run_backend(name: str, window: int, variations: int = LARGE_VARIATIONS) -> tuple[bool, list[str]]:
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp,
        fake_api("--latency-ms", "0") as url,
        backend(name, Path(tmp)) as pg,
    ):
        settings = Settings(
            data_dir=Path(tmp) / "data",
            anthropic_api_key="sk-ant-bench",
            anthropic_base_url=url,
            supabase_db_url=pg,
        )
        services = build_services(settings, migrate=True)
        try:
            install_defaults(services.scaffolding)
            add_topics(services, EXTRA_TOPICS)
            small = services.batch.create(BatchRequest(variations=SMALL_VARIATIONS, concurrency=16))
            began = time.perf_counter()
            large = services.batch.create(BatchRequest(variations=variations, concurrency=16))
            created = time.perf_counter() - began
            first = work_window(services, small.id, window)
            began = time.perf_counter()
            marked = mark_done(services, large.id, DONE_SHARE, like_job=small.id)
            print(f"{name}: {marked} items finished with their rows in {time.perf_counter() - began:.0f} s", flush=True)
            second = work_window(services, large.id, window)
        finally:
            services.close()
    ratio = second.per_item_ms / first.per_item_ms
    growth = second.rss_end_mb / second.rss_start_mb
    status = max(first.slowest_status_s, second.slowest_status_s)
    checks = [
        (
            f"create {large.total_items} items",
            f"{created:.2f} s",
            f"≤ {CREATE_TARGET_S:.0f} s",
            created <= CREATE_TARGET_S,
        ),
        (
            "per item: 1k job / 100k job (90% done)",
            f"{first.per_item_ms:.1f} / {second.per_item_ms:.1f} ms = {ratio:.2f}×",
            f"≤ {PER_ITEM_TARGET}×",
            ratio <= PER_ITEM_TARGET,
        ),
        (
            "worker memory over the 100k window",
            f"{second.rss_start_mb:.0f} → {second.rss_end_mb:.0f} MB ({growth:.2f}×)",
            f"≤ {MEMORY_TARGET:.2f}×",
            growth <= MEMORY_TARGET,
        ),
        (
            "slowest batch status mid-run",
            f"{status * 1000:.0f} ms",
            f"< {STATUS_TARGET_S * 1000:.0f} ms",
            status < STATUS_TARGET_S,
        ),
    ]
    lines = [
        f"{name:<9} {what:<42} {value:>30} {target:>9} {'PASS' if ok else 'FAIL'}" for what, value, target, ok in checks
    ]
    return all(ok for *_, ok in checks), lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=int, default=500)
    parser.add_argument(
        "--variations", type=int, default=LARGE_VARIATIONS, help="of the large job (100: 100,000 items)"
    )
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    args = parser.parse_args()
    print(f"window {args.window} items, concurrency 16, zero latency; load {os.getloadavg()} on {os.cpu_count()} cores")
    ok, table = True, []
    for name in args.backends:
        passed, lines = run_backend(name, args.window, args.variations)
        ok &= passed
        table += lines
        print("\n".join(lines), flush=True)
    print()
    print("\n".join(table))
    print(f"load after: {os.getloadavg()}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    # The table is the output: the job log's retry warnings (429s) stay in the job log, not on the screen.
    logging.getLogger("core.batch").setLevel(logging.ERROR)
    raise SystemExit(main())
