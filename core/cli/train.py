"""``python -m core train {start,status,list,cancel}`` and ``python -m core models {list,download}``."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from core.cli.common import console, err_console, friendly_errors, print_json, services
from core.models.status_labels import status_text
from core.models.statuses import Training

if TYPE_CHECKING:
    from core.models.training_jobs import TrainedModel, TrainingJob

app = typer.Typer(help="Train a LoRA adapter from a training file, here or on Together.", no_args_is_help=True)
models_app = typer.Typer(help="Trained models (LoRA adapters).", no_args_is_help=True)
PROGRESS_EVERY_S = 2.0


def job_json(job: TrainingJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "name": job.name,
        "status": job.status,
        "phase": job.phase,
        "backend": job.backend,
        "base_model": job.base_model,
        "preset": job.preset,
        "training_file": job.training_file_name,
        "training_file_id": job.training_file_id,
        "training_file_sha256": job.training_file_sha256,
        "step": job.step,
        "total_steps": job.total_steps,
        "loss": job.loss,
        "eval_loss": job.eval_loss,
        "cost_usd": job.cost_usd,
        "budget_usd": job.budget_usd,
        "adapter_id": job.adapter_id,
        "message": job.message,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def model_json(model: TrainedModel) -> dict[str, Any]:
    return {
        "id": model.id,
        "name": model.name,
        "base_model": model.base_model,
        "training_file": model.training_file_name,
        "training_file_id": model.training_file_id,
        "training_file_sha256": model.training_file_sha256,
        "backend": model.backend,
        "preset": model.preset,
        "hosted_model_name": model.hosted_model_name,
        "final_loss": model.final_loss,
        "final_eval_loss": model.final_eval_loss,
        "validation_conversation_ids": model.validation_conversation_ids,
        "is_demo": model.is_demo,
        "created_at": model.created_at.isoformat(),
    }


def progress_line(job: TrainingJob) -> str:
    step = f"step {job.step} of {job.total_steps}" if job.total_steps else status_text("training_phase", job.phase)
    loss = f", loss {job.loss:.4f}" if job.loss is not None else ""
    cost = f", ${job.cost_usd:.2f}" if job.backend != "local" else ""
    return f"{status_text('training_job', job.status)}: {step}{loss}{cost}"


@app.command("start")
def start(
    training_file: str = typer.Argument(..., help="The training file's name or id."),
    backend: str = typer.Option(..., "--backend", help="Where to train: local (this computer) or together."),
    base_model: str = typer.Option(..., "--base-model", help="A Hugging Face model id or a local folder."),
    preset: str = typer.Option("standard", "--preset", help="quick, standard or thorough."),
    max_steps: int | None = typer.Option(None, "--max-steps", min=1, help="Stop after this many steps."),
    estimate_only: bool = typer.Option(False, "--estimate-only", help="Print the estimate; start nothing."),
    budget: float | None = typer.Option(None, "--budget", min=0, help="Spending limit in USD."),
    wait: bool = typer.Option(False, "--wait", help="Train in the foreground until the job ends."),
    as_json: bool = typer.Option(False, "--json", help='Print {"id": ...} (and the final status with --wait).'),
) -> None:
    """Check the training file, print the estimate, and start training (in the background unless --wait)."""
    out = err_console if as_json else console
    with friendly_errors():
        svc = services()
        plan = svc.training.plan(
            training_file, backend, base_model, preset, overrides={"max_steps": max_steps}, budget_usd=budget
        )
        for line in plan.estimate.lines():
            out.print(line, highlight=False, markup=False)
        if estimate_only:
            if as_json:
                print_json({"estimate": plan.estimate.model_dump(mode="json")})
            return
        job = svc.training.start(plan)
        if not wait:
            svc.training.launch(job.id)
            if as_json:
                print_json({"id": job.id})
            else:
                console.print(f"Started training job {job.id}. Follow it with: python -m core train status {job.id}")
            return
        final = _run_here(svc.training, job.id, out)
    if as_json:
        print_json({"id": final.id, "status": final.status, **job_json(final)})
    else:
        console.print(f"{progress_line(final)}. {final.message or ''}".strip(), highlight=False, markup=False)
    if final.status != Training.COMPLETED:
        raise typer.Exit(1)


def _run_here(training: Any, job_id: str, out: Any) -> TrainingJob:
    stop, done = threading.Event(), threading.Event()

    def report() -> None:
        last = ""
        while not done.wait(PROGRESS_EVERY_S):
            line = progress_line(training.repo.jobs.get(job_id))
            if line != last:
                out.print(line, highlight=False, markup=False)
                last = line

    threading.Thread(target=report, daemon=True).start()
    try:
        return training.run(job_id, stop=stop)  # type: ignore[no-any-return]
    except KeyboardInterrupt:
        stop.set()
        return training.run(job_id, stop=stop)  # type: ignore[no-any-return]
    finally:
        done.set()


@app.command("status")
def status(
    job: str = typer.Argument(..., help="The training job's id."),
    as_json: bool = typer.Option(False, "--json", help="Print the job as JSON."),
) -> None:
    """Where a training job is: status, step, loss, cost, and its adapter when it is ready."""
    with friendly_errors():
        found = services().training.get(job)
    if as_json:
        print_json(job_json(found))
        return
    console.print(f"{found.name}: {progress_line(found)}", highlight=False, markup=False)
    if found.message:
        console.print(found.message, highlight=False, markup=False)
    if found.adapter_id:
        console.print(f"Adapter: {found.adapter_id}", highlight=False, markup=False)


@app.command("list")
def list_jobs(as_json: bool = typer.Option(False, "--json", help="Print the jobs as JSON.")) -> None:
    """Training jobs, newest first."""
    with friendly_errors():
        jobs = services().training.jobs()
    if as_json:
        print_json([job_json(j) for j in jobs])
        return
    if not jobs:
        console.print("No training jobs yet. Start one with: python -m core train start TRAINING_FILE ...")
    for j in jobs:
        console.print(f"{j.id}  {j.name}  {progress_line(j)}", highlight=False, markup=False)


@app.command("cancel")
def cancel(job: str = typer.Argument(..., help="The training job's id.")) -> None:
    """Cancel a training job: its training stops within seconds."""
    with friendly_errors():
        found = services().training.cancel(job)
    console.print(f"{found.name}: {status_text('training_job', found.status)}", highlight=False, markup=False)


@app.command("worker", hidden=True)
def worker(
    job: str = typer.Argument(..., help="The training job's id."),
    lease_seconds: float = typer.Option(30.0, "--lease-seconds", min=1),
    poll_seconds: float = typer.Option(1.0, "--poll-seconds", min=0.1),
) -> None:
    """Train one job here until it ends (the app starts this in the background)."""
    with friendly_errors():
        final = services().training.run(job, lease_s=lease_seconds, poll_s=poll_seconds)
    console.print(progress_line(final), highlight=False, markup=False)


@models_app.command("list")
def list_models(as_json: bool = typer.Option(False, "--json", help="Print the models as JSON.")) -> None:
    """Trained models (LoRA adapters), newest first."""
    with friendly_errors():
        models = services().training.models()
    if as_json:
        print_json([model_json(m) for m in models])
        return
    if not models:
        console.print("No trained models yet.")
    for m in models:
        console.print(f"{m.id}  {m.name}  on {m.base_model}  ({m.backend})", highlight=False, markup=False)


@models_app.command("download")
def download(
    model: str = typer.Argument(..., help="The model's id."),
    out: Path = typer.Option(..., "--out", help="A folder to write adapter_config.json and the weights to."),
) -> None:
    """Write a trained adapter's files to a folder."""
    with friendly_errors():
        written = services().training.download(model, out)
    console.print(f"Wrote {len(written)} files to {out}", highlight=False, markup=False)
