"""Benchmark: the real batch path against a bare SDK thread pool making the same calls to the same fake API.

The runner is the one ``python -m core batch run`` uses (``build_worker``): leased claims on a SQLite
database, the shared rate limiter, retries, and the real processor per item: render the prompt, call
Claude through the adapter and the SDK, parse and validate the reply, store the conversation (row and
blobs), the call log, the item's outcome and the job's counters. The job is the default scaffolding's
personas × arcs × topics, trimmed to ``--items``.

The baseline, in the same run against the same fake: a bare ``ThreadPoolExecutor`` of the same width
calling ``anthropic.Anthropic(...).messages.create`` with the first item's request, once per item. Under
429s it lets the SDK retry (it honours ``retry-after``), so it meets the same faults.

Targets (wall time of the runner / wall time of the bare pool, measured back to back):
- latency 0.5 s, clean: ≤ 1.10;
- latency 0.5 s, 10% 429s with ``retry-after: 1``: ≤ 1.25;
- zero latency: the runner's throughput ≥ 1/3 of the pool's (wall ratio ≤ 3.0).

The fake server runs in a child process, as the real API is elsewhere: it must not share our interpreter.

Run: ``.venv/bin/python bench/bench_batch.py [--items 750] [--concurrency 16]``
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import anthropic  # noqa: E402
from _fake_api import fake_api  # noqa: E402

from core.batch import claims  # noqa: E402
from core.batch.service import BatchRequest  # noqa: E402
from core.batch.worker import WorkerOptions, build_worker  # noqa: E402
from core.bootstrap import Services, build_services  # noqa: E402
from core.scaffolding.defaults import install_defaults  # noqa: E402
from core.settings import Settings  # noqa: E402


@dataclass(frozen=True)
class Scenario:
    label: str
    latency_ms: float
    error_rate_429: float
    retry_after_s: float
    target: float  # runner wall / pool wall

    def fake_api_options(self) -> tuple[str, ...]:
        return (
            *("--latency-ms", str(self.latency_ms), "--error-rate-429", str(self.error_rate_429)),
            *("--retry-after-s", str(self.retry_after_s)),
        )


SCENARIOS = (
    Scenario("0.5 s latency, clean", 500.0, 0.0, 1.0, 1.10),
    Scenario("0.5 s latency, 10% 429s (retry-after 1 s)", 500.0, 0.1, 1.0, 1.25),
    Scenario("zero latency (throughput ≥ 1/3 of the pool)", 0.0, 0.0, 1.0, 3.0),
)


def new_job(services: Services, items: int, concurrency: int) -> str:
    """A job over the default personas × arcs × topics (more variations if needed), trimmed to ``items``."""
    install_defaults(services.scaffolding)
    variations = max(1, -(-items // combos(services)))
    job = services.batch.create(BatchRequest(variations=variations, concurrency=concurrency))
    extra = [item.id for item in services.db.items.list(where={"job_id": job.id}, order_by="position")[items:]]
    if extra:
        for item_id in extra:
            services.db.items.delete(item_id)
        with services.db.transaction() as conn:
            claims.recount(conn, services.job_queue, job.id)
    return job.id


def combos(services: Services) -> int:
    count = 1
    for kind in ("personas", "arcs", "topics"):
        count *= len(services.scaffolding.list(kind, active_only=True))
    return count


def first_request(services: Services, job_id: str) -> dict[str, Any]:
    from core.batch.generation_processor import GenerationProcessor

    job = services.db.jobs.get(job_id)
    item = services.db.items.list(where={"job_id": job_id}, order_by="position")[0]
    processor = GenerationProcessor(services.db, services.job_queue, services.generation, lambda: services.llm)
    return processor.plan(job, item).request.to_params()


def bare_pool(url: str, params: dict[str, Any], items: int, concurrency: int, retries: int) -> float:
    """Wall seconds for ``items`` calls from a bare thread pool: no job, no database, no limiter."""
    client = anthropic.Anthropic(api_key="sk-ant-bench", base_url=url, max_retries=retries)
    client.messages.create(**params)  # connect before the clock starts
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda _: client.messages.create(**params), range(items)))
    return time.perf_counter() - started


def runner(url: str, folder: Path, items: int, concurrency: int) -> tuple[float, str, dict[str, Any]]:
    """Wall seconds for the real runner to work a job of ``items`` to the end, and how it ended."""
    settings = Settings(data_dir=folder, anthropic_api_key="sk-ant-bench", anthropic_base_url=url)
    services = build_services(settings)
    try:
        job_id = new_job(services, items, concurrency)
        params = first_request(services, job_id)
        worker = build_worker(services, WorkerOptions(poll_s=0.05))
        started = time.perf_counter()
        worker.runner.run(job_id)
        wall = time.perf_counter() - started
        job = services.db.jobs.get(job_id)
        stored = services.db.conversations.count()
        summary = f"{job.status}: {job.successful_items} ok, {job.failed_items} failed of {job.total_items}"
        summary += f"; {stored} conversations stored"
        ok = job.status == "completed" and job.successful_items == items
        return wall, summary + ("" if ok else " NOT ALL DONE"), params
    finally:
        services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=750)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--only", type=int, choices=range(len(SCENARIOS)), help="Run one scenario (by index).")
    args = parser.parse_args()
    print(f"{args.items} items at concurrency {args.concurrency}; load {os.getloadavg()} on {os.cpu_count()} cores")
    rows, failed = [], False
    scenarios = SCENARIOS if args.only is None else (SCENARIOS[args.only],)
    for scenario in scenarios:
        with fake_api(*scenario.fake_api_options()) as url, tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
            wall, summary, params = runner(url, Path(tmp) / "data", args.items, args.concurrency)
            retries = 10 if scenario.error_rate_429 else 0
            pool = bare_pool(url, params, args.items, args.concurrency, retries)
        ratio = wall / pool
        ok = ratio <= scenario.target and "NOT ALL DONE" not in summary
        failed |= not ok
        rows.append((scenario, pool, wall, ratio, ok, summary))
        print(f"  {scenario.label}: pool {pool:.2f} s, runner {wall:.2f} s, ratio {ratio:.3f} [{summary}]", flush=True)
    print()
    print(f"{'scenario':<46} {'pool s':>7} {'runner s':>9} {'pool ms/item':>13} {'runner ms/item':>15} {'ratio':>6}")
    for scenario, pool, wall, ratio, ok, _ in rows:
        print(
            f"{scenario.label:<46} {pool:>7.2f} {wall:>9.2f} {pool / args.items * 1000:>13.2f} "
            f"{wall / args.items * 1000:>15.2f} {ratio:>6.3f} ≤ {scenario.target:.2f} {'PASS' if ok else 'FAIL'}"
        )
    print(f"load after: {os.getloadavg()}")
    print("PASS" if not failed else "FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    # The table is the output: the job log's retry warnings (429s) stay in the job log, not on the screen.
    logging.getLogger("core.batch").setLevel(logging.ERROR)
    os.environ.setdefault("ANTHROPIC_API_KEY", "sk-ant-bench")
    raise SystemExit(main())
