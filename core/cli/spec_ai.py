"""``python -m core spec integrate`` and ``spec execution-prompts``: the steps Claude writes.

Both print the estimate first and spend nothing with ``--estimate-only``; ``--budget`` stops a run
that would cost more. Every call is logged like a generation call, and failures are recorded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from core.cli.common import friendly_errors, services
from core.errors import SpecError
from core.spec import (
    MERGE_FIELDS,
    MergeInput,
    abbrev_from_file_name,
    check_output_folder,
    read_folder,
    read_text_file,
    write_files,
)
from core.spec.claude_calls import CallContext, CallOutcome, PlannedCall, run_call
from core.spec.execution import (
    Mode,
    SectionJob,
    check_budget,
    estimate_execution,
    run_execution,
    section_jobs,
    shared_context,
)
from core.spec.integrate import plan_integrate
from core.spec.models import META_PROMPTS_DIR
from core.spec.section_files import refresh_index

EstimateOnly = Annotated[bool, typer.Option("--estimate-only", help="Print the estimate and stop; nothing is sent.")]
Budget = Annotated[float | None, typer.Option("--budget", help="Stop before spending more than this many USD.")]
Model = Annotated[str | None, typer.Option("--model", help="Claude model (default: BRIGHTRUN_MODEL).")]


def _context() -> CallContext:
    return services().spec_calls()


def _print_plan(calls: list[PlannedCall]) -> float:
    total = 0.0
    for call in calls:
        total += call.estimate_usd
        typer.echo(
            f"  {call.label}: about {call.estimated_input_tokens:,} input and up to "
            f"{call.estimated_output_tokens:,} output tokens, about ${call.estimate_usd:.4f}"
        )
    typer.echo(f"Estimate: about ${total:.4f} with {calls[0].request.model} ({len(calls)} call(s)).")
    return total


def integrate(
    structured: Annotated[Path, typer.Option("--structured", help="The structured spec (04c).")],
    inventory: Annotated[Path, typer.Option("--inventory", help="The infrastructure inventory (04d).")],
    strategy: Annotated[Path, typer.Option("--strategy", help="The extension strategy (04d).")],
    guide: Annotated[Path, typer.Option("--guide", help="The implementation guide (04d).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the integrated spec.")],
    product: Annotated[str | None, typer.Option("--product", help="Product abbreviation (for the title).")] = None,
    estimate_only: EstimateOnly = False,
    budget: Budget = None,
    model: Model = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Have Claude merge the four inputs into the integrated spec (the merge prompt, run for you)."""
    with friendly_errors():
        paths = dict(zip([f.key for f in MERGE_FIELDS], [structured, inventory, strategy, guide], strict=True))
        inputs = {key: MergeInput(path=str(p), name=p.name, content=read_text_file(p)) for key, p in paths.items()}
        abbrev = product or abbrev_from_file_name(out.name) or "spec"
        ctx = _context()
        planned = plan_integrate(inputs, abbrev, ctx, model or ctx.settings.model, date.today())
        total = _print_plan([planned])
        if estimate_only:
            return
        check_budget(total, budget)
        check_output_folder(out.parent)
        if out.exists() and not force:
            raise SpecError(f"{out} already exists. Nothing was sent.", hint="Pass --force to overwrite it.")
        outcome = run_call(ctx, planned, "spec_integrate")
        _report(outcome)
        write_files({out.name: outcome.text or ""}, out.parent, force=True)
    typer.echo(f"Wrote the integrated spec to {out}. Next: python -m core spec split {out}")


def execution_prompts(
    directory: Annotated[Path, typer.Argument(help="The folder with the section files (full-build).")],
    sections: Annotated[str | None, typer.Option("--sections", help="Only these, e.g. E01,E03.")] = None,
    mode: Annotated[str, typer.Option("--mode", help="online or message_batches (half price, slower).")] = "online",
    concurrent: Annotated[
        bool, typer.Option("--concurrent", help="Run sections at once; no section sees earlier sections' prompts.")
    ] = False,
    estimate_only: EstimateOnly = False,
    budget: Budget = None,
    model: Model = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite execution prompts that exist.")] = False,
    poll_seconds: Annotated[float, typer.Option("--poll-seconds", hidden=True)] = 10.0,
) -> None:
    """Have Claude write each section's execution prompts from its meta-prompt, E01 → E0N by default."""
    if mode not in ("online", "message_batches"):
        raise typer.BadParameter("use online or message_batches", param_hint="--mode")
    run_mode: Mode = "online" if mode == "online" else "message_batches"
    ordered = not concurrent and run_mode == "online"
    with friendly_errors():
        files = _folder_files(directory)
        codes = [c.strip() for c in sections.split(",") if c.strip()] if sections else None
        jobs = section_jobs(files, codes)
        ctx = _context()
        chosen = model or ctx.settings.model
        context = shared_context(files, _integrated_spec(directory, files))
        estimate = estimate_execution(jobs, files, context, ctx, chosen, ordered=ordered, mode=run_mode)
        typer.echo("Sections run in order, each seeing the earlier prompts." if ordered else "Sections run at once.")
        _print_plan(estimate.calls)
        if estimate_only:
            return
        check_budget(estimate.total_usd, budget)
        clashes = [j.output_name for j in jobs if (directory / j.output_name).exists()]
        if clashes and not force:
            raise SpecError(
                f"{len(clashes)} execution-prompts file(s) exist already ({', '.join(clashes[:3])}). Nothing was sent.",
                hint="Pass --force to write them again, or choose --sections.",
            )

        def save(job: SectionJob, outcome: CallOutcome) -> None:
            if outcome.ok:
                write_files({job.output_name: outcome.text or ""}, directory, force=True)

        outcomes = run_execution(
            jobs,
            files,
            context,
            ctx,
            chosen,
            ordered=ordered,
            mode=run_mode,
            budget=budget,
            on_done=save,
            poll_s=poll_seconds,
        )
        refresh_index(directory)
    failed = [o for o in outcomes if not o.ok]
    for outcome in outcomes:
        state = f"written, ${outcome.cost_usd:.4f}" if outcome.ok else f"not written: {outcome.error}"
        extra = f" ({outcome.continued} continuation(s))" if outcome.continued else ""
        typer.echo(f"  {outcome.key}: {state}{extra}")
    typer.echo(f"Spent ${sum(o.cost_usd for o in outcomes):.4f}.")
    if failed:
        typer.echo(f"Error: {len(failed)} section(s) have no execution prompts.", err=True)
        raise typer.Exit(1)


def _report(outcome: CallOutcome) -> None:
    extra = f" ({outcome.continued} continuation(s))" if outcome.continued else ""
    typer.echo(f"Spent ${outcome.cost_usd:.4f} in {outcome.calls} call(s){extra}.")
    if not outcome.ok:
        raise SpecError(f"No integrated spec was written: {outcome.error}")


def _folder_files(directory: Path) -> dict[str, str]:
    files = read_folder(directory)
    meta = directory / META_PROMPTS_DIR
    if meta.is_dir():
        files.update({f"{META_PROMPTS_DIR}/{name}": text for name, text in read_folder(meta).items()})
    return files


def _integrated_spec(directory: Path, files: dict[str, str]) -> str | None:
    """The integrated spec INDEX.md names as its source, when it is in the folder or next to it."""
    for line in files.get("INDEX.md", "").splitlines():
        if line.startswith("**Source File**: "):
            name = line.removeprefix("**Source File**: ").strip()
            for candidate in (directory / name, directory.parent / name):
                if name and candidate.is_file():
                    return read_text_file(candidate)
    return None
