"""``python -m core batch …`` (create, run, status, pause, resume, cancel, resubmit, list) and
``python -m core worker`` (serves every job until stopped)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from core.cli.common import console, err_console, friendly_errors, print_json, services
from core.models.statuses import Item, Job

if TYPE_CHECKING:  # the batch machinery (and the SDK behind it) loads only when a batch command runs
    from core.batch.service import JobProgress, Keys

app = typer.Typer(help="Batch generation jobs: create, run, watch and control.", no_args_is_help=True)

JobArg = Annotated[str, typer.Argument(help="Job id (or a unique prefix of it).")]
LeaseOpt = Annotated[
    float, typer.Option("--lease-seconds", help="How long a claimed item stays ours without a heartbeat.")
]
PollOpt = Annotated[float, typer.Option("--poll-seconds", help="How often to look for work and job changes.")]


def _keys(value: str) -> Keys:
    return "all" if value.strip().lower() == "all" else [k.strip() for k in value.split(",") if k.strip()]


@app.command("create")
def create(
    personas: Annotated[str, typer.Option("--personas", help="Persona keys, comma-separated, or 'all'.")],
    arcs: Annotated[str, typer.Option("--arcs", help="Emotional arc keys, comma-separated, or 'all'.")],
    topics: Annotated[str, typer.Option("--topics", help="Training topic keys, comma-separated, or 'all'.")],
    variations: Annotated[int, typer.Option("--variations", min=1, help="Conversations per combination.")] = 1,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 4,
    rpm: Annotated[int | None, typer.Option("--rpm", min=1, help="Requests per minute (client-side).")] = None,
    itpm: Annotated[int | None, typer.Option("--itpm", min=1, help="Input tokens per minute.")] = None,
    otpm: Annotated[int | None, typer.Option("--otpm", min=1, help="Output tokens per minute.")] = None,
    mode: Annotated[Literal["online", "message_batches"], typer.Option("--mode")] = "online",
    budget: Annotated[float | None, typer.Option("--budget", min=0, help="Stop before spending more (USD).")] = None,
    stop_on_error: Annotated[bool, typer.Option("--stop-on-error", help="Stop at the first failed item.")] = False,
    priority: Annotated[Literal["low", "normal", "high"], typer.Option("--priority")] = "normal",
    tier: Annotated[Literal["template", "scenario", "edge_case"] | None, typer.Option("--tier")] = None,
    template: Annotated[str | None, typer.Option("--template", help="Use this template for every item.")] = None,
    name: Annotated[str | None, typer.Option("--name")] = None,
    estimate_only: Annotated[bool, typer.Option("--estimate-only", help="Print the estimate; create nothing.")] = False,
) -> None:
    """Create a job from personas × arcs × topics (× variations); prints the estimate, then the job id."""
    from core.batch.service import BatchRequest

    request = BatchRequest(
        name=name,
        personas=_keys(personas),
        arcs=_keys(arcs),
        topics=_keys(topics),
        variations=variations,
        concurrency=concurrency,
        requests_per_minute=rpm,
        input_tokens_per_minute=itpm,
        output_tokens_per_minute=otpm,
        mode=mode,
        budget_usd=budget,
        error_handling="stop" if stop_on_error else "continue",
        priority=priority,
        tier=tier,
        template_name=template,
    )
    with friendly_errors():
        svc = services().batch
        for line in svc.estimate(request).lines():
            err_console.print(line, highlight=False, markup=False)
        if estimate_only:
            return
        if svc.settings.has_claude_key:
            from core.claude_key import preflight

            preflight(svc.settings)  # one tiny real call (trusted a few minutes): a rejected key creates nothing
        job = svc.create(request)
        if not svc.settings.has_claude_key:
            err_console.print(
                "No Claude key is set yet: the job waits until one is. Set ANTHROPIC_API_KEY, then: "
                f"python -m core batch run {job.id}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
    sys.stdout.write(job.id + "\n")


@app.command("run")
def run(
    job: JobArg,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes (this one included).")] = 1,
    lease_seconds: LeaseOpt = 60.0,
    poll_seconds: PollOpt = 0.5,
) -> None:
    """Work one job here (plus ``--workers`` − 1 helper processes) and return when it ends."""
    with friendly_errors():
        svc = services()
        job_id = svc.batch.get(job).id
        from core.claude_key import preflight

        preflight(svc.settings)  # without a working key every item would fail: say so before anything runs
        from core.batch.helpers import start_helper

        args = ["worker", "--job", job_id, "--lease-seconds", str(lease_seconds), "--poll-seconds", str(poll_seconds)]
        helpers = [start_helper(args) for _ in range(workers - 1)]
        try:
            from core.bootstrap.workers import WorkerOptions, build_worker

            built = build_worker(svc, WorkerOptions(lease_s=lease_seconds, poll_s=poll_seconds))
            with _stop_on_signals() as stop:
                final = built.run_until_done(job_id, stop)
        finally:
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                helper.wait(timeout=30)
        _print_progress(svc.batch.progress(final.id))
    if final.status == Job.FAILED:
        raise typer.Exit(1)


@app.command("status")
def status(job: JobArg, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counters, cost, rate and ETA of a job, with its latest failures."""
    with friendly_errors():
        svc = services().batch
        progress = svc.progress(job)
        if as_json:
            print_json(
                progress.job.model_dump(mode="json")
                | {"items_per_min": progress.items_per_min, "eta_s": progress.eta_s}
            )
            return
        _print_progress(progress)
        for item in svc.items(progress.job.id, status=Item.FAILED)[:10]:
            console.print(f"  item {item.position}: {item.error_message}", highlight=False, markup=False)


@app.command("list")
def list_jobs(limit: Annotated[int, typer.Option("--limit")] = 20) -> None:
    """The newest jobs."""
    with friendly_errors():
        for job in services().batch.list(limit=limit):
            console.print(
                f"{job.id}  {job.status:<10} {job.completed_items}/{job.total_items}  {job.mode:<15} {job.name}",
                highlight=False,
                markup=False,
            )


@app.command("pause")
def pause(job: JobArg) -> None:
    """Stop claiming new items; items in flight finish."""
    with friendly_errors():
        console.print(f"Job {services().batch.pause(job).id} paused.", highlight=False)


@app.command("resume")
def resume(
    job: JobArg, budget: Annotated[float | None, typer.Option("--budget", min=0, help="A new budget cap (USD).")] = None
) -> None:
    """Let a paused job run again (workers pick it up)."""
    with friendly_errors():
        console.print(f"Job {services().batch.resume(job, budget_usd=budget).id} resumed.", highlight=False)


@app.command("cancel")
def cancel(job: JobArg) -> None:
    """Cancel a job: queued items are cancelled, items in flight finish. Message Batches: its batches are
    cancelled at Anthropic; the results that finished are kept, and a worker polls until the batches end."""
    with friendly_errors():
        svc = services().batch
        cancelled = svc.cancel(job)
        console.print(f"Job {cancelled.id} cancelled.", highlight=False)
        waiting = svc.progress(cancelled.id).processing if cancelled.mode == "message_batches" else 0
    if waiting:
        err_console.print(
            f"Anthropic is still ending its message batches ({waiting} item(s)); a worker (python -m core worker, "
            f"or python -m core batch run {cancelled.id}) keeps the results that finished.",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


@app.command("resubmit")
def resubmit(job: JobArg) -> None:
    """Queue the job's failed items again (both modes)."""
    with friendly_errors():
        count = services().batch.resubmit_failed(job)
        console.print(f"{count} failed item(s) queued again.", highlight=False)


def worker(
    job: Annotated[str | None, typer.Option("--job", help="Work only this job, and exit when it ends.")] = None,
    lease_seconds: LeaseOpt = 60.0,
    poll_seconds: PollOpt = 1.0,
    parent_pid: Annotated[
        int | None, typer.Option("--parent-pid", hidden=True, help="Stop when this parent process is gone.")
    ] = None,
    rate_window_seconds: Annotated[
        float, typer.Option("--rate-window-seconds", hidden=True, help="Window of the per-minute limits (tests).")
    ] = 60.0,
) -> None:
    """Serve every batch job of every project (highest priority first) until stopped with Ctrl+C or SIGTERM;
    each job's items run in its own project. With --job, work that job of the current project only."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    with friendly_errors():
        svc = services()
        from core.claude_key import require_key

        require_key(svc.settings)  # as in ``batch run``: without a key every item it claims would fail
        from core.bootstrap.workers import WorkerOptions, build_worker, serve_every_project

        options = WorkerOptions(lease_s=lease_seconds, poll_s=poll_seconds, rate_window_s=rate_window_seconds)
        with _stop_on_signals() as stop:
            if parent_pid is not None:
                from core.batch.helpers import watch_parent

                watch_parent(parent_pid, stop)
            if job:
                svc = svc.for_record("batch_jobs", job)  # started from a page: work in the job's project
                build_worker(svc, options).run_until_done(svc.batch.get(job).id, stop)
            else:
                serve_every_project(svc, stop, options)


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM, so lanes give their unsent items back before exiting."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _print_progress(progress: JobProgress) -> None:
    from core.batch.estimate import duration

    job = progress.job
    lines = [
        f"Job {job.id}  {job.name}",
        f"Status: {job.status}" + (f" ({job.stop_reason})" if job.stop_reason else ""),
        f"Items: {job.total_items} total, {job.completed_items} done ({job.successful_items} ok, "
        f"{job.failed_items} failed), {job.cancelled_items} cancelled, {progress.processing} in flight, "
        f"{progress.queued} queued",
        f"Cost: ${max(job.cost_usd, 0.0):.4f}"
        + (f" of ${job.budget_usd:.2f} cap" if job.budget_usd is not None else ""),
    ]
    if progress.items_per_min:
        lines.append(
            f"Rate: {progress.items_per_min:.1f} items/min"
            + (f", ETA {duration(progress.eta_s)}" if progress.eta_s else "")
        )
    for line in lines:
        console.print(line, highlight=False, markup=False, soft_wrap=True)
