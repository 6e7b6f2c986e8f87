"""``python -m core demo load``, ``import PATH…`` and ``stats``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from core.cli.common import console, err_console, friendly_errors, print_json, services
from core.errors import BrightRunError

if TYPE_CHECKING:
    from core.importer import ImportResult  # the import machinery loads only for import itself


demo_app = typer.Typer(help="The demo dataset.", no_args_is_help=True)


@demo_app.command("load")
def demo_load() -> None:
    """Load default scaffolding and the demo conversations (safe to run twice)."""
    with friendly_errors():
        from core.demo import fill_demo  # the demo loads generation and the SDK: only this command needs them

        result = fill_demo(services())
    console.print(result.summary())


def import_files(
    paths: list[Path] = typer.Argument(
        ..., help="Raw conversation, enriched conversation, v4 training file(s), or a training file's .jsonl."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print a JSON report per file (stored ids, skipped ones and why, errors)."
    ),
) -> None:
    """Import conversations from files; prints the ids stored. A bad file is reported (one line) and
    skipped, nothing of it stored; the exit code is then 1."""
    with friendly_errors():
        importer = services().importer
    failed, reports = 0, list[dict[str, object]]()
    for path in paths:
        try:
            result = importer.import_path(path)
        except BrightRunError as err:
            failed += 1
            reports.append({"source": path.name, "error": one_line(err)})
            if not as_json:
                err_console.print(f"Error: {one_line(err)}", highlight=False, markup=False, soft_wrap=True)
            continue
        reports.append(result.report())
        if not as_json:
            _print_result(result)
    if as_json:
        print_json(reports)
    if failed:
        raise typer.Exit(1)


def one_line(err: BrightRunError) -> str:
    """The message and its hint on one line (the error names the file and the problem)."""
    text = f"{err.message} {err.hint}" if err.hint else err.message
    return " ".join(text.split())


def _print_result(result: ImportResult) -> None:
    console.print(result.summary(), highlight=False, markup=False, soft_wrap=True)
    for outcome in result.outcomes:
        flag = (
            " (held for review: an answer ends mid-sentence)"
            if outcome.truncated and outcome.action != "skipped"
            else ""
        )
        part = f" ({outcome.part})" if outcome.part else ""
        fixed = f" ({outcome.unescaped} message(s) had escapes written twice, fixed)" if outcome.unescaped else ""
        console.print(
            f"  {outcome.action:<8} {outcome.conversation_id}{part}: {outcome.reason}{flag}{fixed}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    for warning in result.warnings:
        err_console.print(f"  note: {warning}", highlight=False, markup=False)


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
