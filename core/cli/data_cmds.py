"""``python -m core demo load``, ``import PATH…`` and ``stats``."""

from __future__ import annotations

from pathlib import Path

import typer

from core.cli.common import console, err_console, friendly_errors, print_json, services
from core.errors import BrightRunError

demo_app = typer.Typer(help="The demo dataset.", no_args_is_help=True)


@demo_app.command("load")
def demo_load() -> None:
    """Load default scaffolding and the demo conversations (safe to run twice)."""
    with friendly_errors():
        from core.demo import fill_demo  # the demo loads the batch machinery: only this command needs it

        result = fill_demo(services())
    console.print(result.summary())


def import_files(
    paths: list[Path] = typer.Argument(..., help="Raw conversation, enriched conversation or v4 training file(s)."),
) -> None:
    """Import conversations from JSON files. A bad file is reported and skipped; the exit code is then 1."""
    importer = services().importer
    failed = 0
    for path in paths:
        try:
            result = importer.import_path(path)
        except BrightRunError as err:
            failed += 1
            err_console.print(f"Error: {err.user_message}", highlight=False, markup=False)
            continue
        console.print(result.summary(), highlight=False)
    if failed:
        raise typer.Exit(1)


def stats(as_json: bool = typer.Option(False, "--json", help="Print the counts as a JSON object.")) -> None:
    """Conversation counts per processing, enrichment and review status."""
    with friendly_errors():
        result = services().stats()
    if as_json:
        print_json(result.model_dump())
        return
    console.print(f"[bold]{result.conversations}[/bold] conversations")
    for field in ("processing_status", "enrichment_status", "review_status"):
        counts = getattr(result, field)
        console.print(f"{field}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "-")
    console.print(f"failed generations: {result.failed_generations}, truncated: {result.truncated}")
