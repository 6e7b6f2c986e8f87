"""``python -m core export …`` and ``python -m core training-file {create,add,list,archive}``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from core.cli.common import console, err_console, friendly_errors, print_json, services
from core.export.split import DEFAULT_SEED


class Format(StrEnum):
    brightrun_v4 = "brightrun-v4"
    openai = "openai"
    sharegpt = "sharegpt"
    hf = "hf"
    kto = "kto"
    dpo = "dpo"


def export(
    fmt: Format = typer.Option(
        ..., "--format", help="brightrun-v4, openai, sharegpt, hf (a folder), kto, or dpo (preference pairs)."
    ),
    out: Path = typer.Option(
        ..., "--out", help="A file (a folder for hf); brightrun-v4 NAME.json also writes NAME.jsonl."
    ),
    status: str | None = typer.Option(
        None, "--status", help="approved (default; kto: approved,rejected), all, or a review status."
    ),
    per_turn: bool = typer.Option(
        False, "--per-turn", help="One example per assistant turn instead of per conversation."
    ),
    split: float | None = typer.Option(None, "--split", help="Validation share, e.g. 0.1 (seeded, by conversation)."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of the train/validation split."),
    include_truncated: bool = typer.Option(
        False, "--include-truncated", help="Also export conversations with an answer cut off mid-sentence."
    ),
) -> None:
    """Export enriched conversations for a trainer, then validate the result (exit 1 if it fails).

    Conversations with an answer cut off mid-sentence are left out unless --include-truncated."""
    with friendly_errors():
        exports = services().exports
        result = exports.export(
            fmt.value,
            out,
            status=status,
            per_turn=per_turn,
            split=split,
            seed=seed,
            include_truncated=include_truncated,
        )
        console.print(result.summary(), highlight=False)
        report = exports.validate(result)
    (console if report.ok else err_console).print(report.summary(), highlight=False, markup=False)
    if not report.ok:
        err_console.print("The file was written but FAILED validation: a trainer would reject it.", markup=False)
        raise typer.Exit(1)


training_file_app = typer.Typer(help="Training files (brightrun-lora-v4) stored in the app.", no_args_is_help=True)


@training_file_app.command("create")
def create(
    name: str = typer.Argument(..., help="A unique name."),
    ids: list[str] = typer.Option(None, "--id", help="A conversation id (repeat); without it, a filter is used."),
    status: str | None = typer.Option(None, "--status", help="Filter when no --id: approved (default), all, ..."),
    description: str | None = typer.Option(None, "--description"),
) -> None:
    """Create a training file from conversation ids or from a filter (default: approved, enrichment completed)."""
    with friendly_errors():
        row = services().training_files.create(
            name, description=description, conversation_ids=ids or None, status=status
        )
    console.print(
        f"Created '{row.name}' ({row.id}): {row.conversation_count} conversations, {row.total_training_pairs} pairs."
    )


@training_file_app.command("add")
def add(
    file: str = typer.Argument(..., help="Training file name or id."),
    ids: list[str] = typer.Argument(..., help="Conversation ids to add."),
) -> None:
    """Add conversations; refused whole if any of them is already in the file."""
    with friendly_errors():
        row = services().training_files.add(file, ids)
    console.print(f"'{row.name}' now holds {row.conversation_count} conversations, {row.total_training_pairs} pairs.")


@training_file_app.command("list")
def list_files(
    include_archived: bool = typer.Option(False, "--all", help="Include archived files."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
) -> None:
    """Training files, newest first."""
    with friendly_errors():
        rows = services().training_files.list_files(include_archived=include_archived)
    if as_json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    if not rows:
        console.print("No training files yet. Create one with: python -m core training-file create NAME")
    for r in rows:
        console.print(
            f"{r.name}  [{r.status}]  {r.conversation_count} conversations, {r.total_training_pairs} pairs  {r.id}",
            highlight=False,
            markup=False,
        )


@training_file_app.command("archive")
def archive(file: str = typer.Argument(..., help="Training file name or id.")) -> None:
    """Archive a training file (it leaves the list; its files stay)."""
    with friendly_errors():
        row = services().training_files.archive(file)
    console.print(f"Archived '{row.name}'.")
