"""Benchmark: a batch job run as a user runs it, against a bare SDK thread pool making the same calls to the
same fake API.

The job is made and worked from the command line, each command a fresh process timed from the outside:
``python -m core batch create --personas all --arcs all --topics … --concurrency 16`` (the default
scaffolding's personas × arcs × enough topics, trimmed to ``--items``), then ``python -m core batch run JOB``
(timed): the command's own start, leased claims on a SQLite database, the shared rate limiter, retries, and
the real processor per item: render the prompt, call Claude through the adapter and the SDK, parse and
validate the reply, store the conversation (row and blobs), the call log, the item's outcome and the
job's counters.

The baseline, in the same run against the same fake, also a fresh process timed from the outside: a bare
``ThreadPoolExecutor`` of the same width calling ``anthropic.Anthropic(...).messages.create`` with the first
item's request, once per item. Under 429s it lets the SDK retry (it honours ``retry-after``), so it meets
the same faults.

Before its time counts, the run is checked: ``batch run`` exits 0, the job is completed with every item
successful and none failed, and the store holds one conversation and one successful call-log row per item.

Targets (wall time of ``batch run`` / wall time of the bare pool, measured back to back):
- latency 0.5 s, clean: ≤ 1.05;
- latency 0.5 s, 10% 429s with ``retry-after: 1``: ≤ 1.25;
- zero latency: ≤ 1.5.

The fake server runs in a child process, as the real API is elsewhere: it must not share our interpreter.

Run: ``.venv/bin/python bench/bench_batch.py [--items 750] [--concurrency 16]``
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _fake_api import fake_api  # noqa: E402

from core.bootstrap import Services, build_services  # noqa: E402
from core.models.statuses import Call, Job  # noqa: E402
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
    Scenario("0.5 s latency, clean", 500.0, 0.0, 1.0, 1.05),
    Scenario("0.5 s latency, 10% 429s (retry-after 1 s)", 500.0, 0.1, 1.0, 1.25),
    Scenario("zero latency", 0.0, 0.0, 1.0, 1.5),
)


def cli(words: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """``python -m core WORDS`` in a fresh process: (wall seconds from the outside, what it did)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "core", *words], cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, done


def new_job(services: Services, env: dict[str, str], items: int, concurrency: int) -> str:
    """``batch create`` over the default personas × arcs × enough topics, trimmed to ``items``: the job id."""
    install_defaults(services.scaffolding)
    per_topic = len(services.scaffolding.list("personas", active_only=True)) * len(
        services.scaffolding.list("arcs", active_only=True)
    )
    topics = [t.topic_key for t in services.scaffolding.list("topics", active_only=True)]
    variations = max(1, -(-items // (per_topic * len(topics))))
    wanted = topics[: -(-items // per_topic)] if variations == 1 else topics
    words = ["batch", "create", "--personas", "all", "--arcs", "all", "--topics", ",".join(wanted)]
    _, done = cli([*words, "--variations", str(variations), "--concurrency", str(concurrency)], env)
    if done.returncode:
        raise RuntimeError(f"batch create failed: {done.stderr[-500:]}")
    job_id = done.stdout.strip().splitlines()[-1]
    extra = [item.id for item in services.db.items.list(where={"job_id": job_id}, order_by="position")[items:]]
    for item_id in extra:
        services.db.items.delete(item_id)
    if extra:
        with services.db.transaction() as conn:
            services.job_queue.recount(conn, job_id)
    return job_id


def first_request(services: Services, job_id: str) -> dict[str, Any]:
    from core.batch.generation_processor import GenerationProcessor

    job = services.db.jobs.get(job_id)
    item = services.db.items.list(where={"job_id": job_id}, order_by="position")[0]
    processor = GenerationProcessor(services.batch_store, services.generation, lambda: services.llm)
    return processor.plan(job, item).request.to_params()


BARE_POOL = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
import anthropic
url, params, items, concurrency, retries = sys.argv[1], json.loads(sys.argv[2]), *map(int, sys.argv[3:6])
client = anthropic.Anthropic(api_key="sk-ant-bench", base_url=url, max_retries=retries)
with ThreadPoolExecutor(concurrency) as pool:
    replies = list(pool.map(lambda _: client.messages.create(**params), range(items)))
print(sum(1 for reply in replies if reply.content))
"""


def bare_pool(url: str, params: dict[str, Any], items: int, concurrency: int, retries: int) -> float:
    """Wall seconds, from the outside, of a fresh process making ``items`` calls from a bare thread pool: no
    job, no database, no limiter. Raises unless every call came back with content."""
    command = [sys.executable, "-c", BARE_POOL, url, json.dumps(params), str(items), str(concurrency), str(retries)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode or done.stdout.strip() != str(items):
        raise RuntimeError(f"the bare pool did not make {items} calls: {done.stdout[-200:]} {done.stderr[-500:]}")
    return wall


def runner(url: str, folder: Path, items: int, concurrency: int) -> tuple[float, str, dict[str, Any]]:
    """Wall seconds of ``batch run`` working a job of ``items`` to the end, what it did, and the first request.

    The summary ends in "NOT ALL DONE" unless the job completed with every item stored and logged."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "SUPABASE_", "BRIGHTRUN_"))}
    env |= {"BRIGHTRUN_DATA_DIR": str(folder), "ANTHROPIC_API_KEY": "sk-ant-bench", "ANTHROPIC_BASE_URL": url}
    env["BRIGHTRUN_SECRETS_FILE"] = str(folder / "secrets.toml")
    settings = Settings(data_dir=folder, anthropic_api_key="sk-ant-bench", anthropic_base_url=url)
    services = build_services(settings)
    try:
        job_id = new_job(services, env, items, concurrency)
        params = first_request(services, job_id)
        wall, done = cli(["batch", "run", job_id], env)
        job = services.db.jobs.get(job_id)
        stored = services.db.conversations.count(where={"job_id": job_id})
        calls = services.db.logs.count(where={"job_id": job_id, "status": Call.SUCCESS})
        summary = f"{job.status}: {job.successful_items} ok, {job.failed_items} failed of {job.total_items}"
        summary += f"; {stored} conversations stored, {calls} successful calls logged"
        ok = (
            done.returncode == 0
            and job.status == Job.COMPLETED
            and job.successful_items == job.total_items == items
            and job.failed_items == 0
            and stored == items
            and calls >= items
        )
        if done.returncode:
            summary += f"; batch run exited {done.returncode}: {done.stderr.strip()[-300:]}"
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
        ok = "NOT ALL DONE" not in summary and ratio <= scenario.target
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
