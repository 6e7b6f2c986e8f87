"""``python -m core enrich [--all | ID...] [--judge]``: run the enrichment pipeline with a progress bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core.cli.common import console, err_console, fail, friendly_errors, services
from core.models.statuses import Outcome

if TYPE_CHECKING:  # the pipeline loads only when the command runs
    from core.enrichment.models import EnrichmentOutcome, EnrichmentSummary
    from core.enrichment.pipeline import EnrichmentService


def enrich(
    ids: list[str] = typer.Argument(None, help="Conversation ids to enrich.", show_default=False),
    all_pending: bool = typer.Option(False, "--all", help="Enrich every conversation not enriched yet."),
    judge: bool = typer.Option(False, "--judge", help="Also score with the Claude judge (costs API credit)."),
) -> None:
    """Validate, enrich, normalize and store conversations; prints succeeded / failed / skipped."""
    if bool(ids) == all_pending:
        raise fail("Give conversation ids, or --all (not both).")
    with friendly_errors():
        service = services().enrichment
        selected = service.pending_ids() if all_pending else list(ids)
        if not selected:
            console.print("Nothing to enrich: every conversation is already enriched.")
            return
        summary = _run(service, selected, judge)
    for outcome in summary.outcomes:
        if outcome.outcome == Outcome.FAILED:
            err_console.print(
                f"failed  {outcome.conversation_id}: {outcome.error}", highlight=False, markup=False, soft_wrap=True
            )
            if advice := outcome.terminal_hint or outcome.hint:
                err_console.print(f"        {advice}", highlight=False, markup=False, soft_wrap=True)
    console.print(summary.text(), highlight=False)
    if summary.failed:
        raise typer.Exit(1)


def _run(service: EnrichmentService, selected: list[str], judge: bool) -> EnrichmentSummary:
    columns = (TextColumn("Enriching"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console.rich, transient=False) as bar:
        task = bar.add_task("enrich", total=len(selected))

        def advance(done: int, total: int, outcome: EnrichmentOutcome) -> None:
            bar.update(task, completed=done)

        return service.run_many(selected, judge=judge, progress=advance)
