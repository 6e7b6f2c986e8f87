"""``python -m core scaffolding …``: list and inspect scaffolding."""

from __future__ import annotations

from enum import StrEnum
from typing import cast

import typer
from rich.table import Table

from core.cli.common import console, friendly_errors, print_json, services
from core.scaffolding.service import KIND_INFO, Kind

app = typer.Typer(help="Expert profiles, personas, emotional arcs, topics and prompt templates.", no_args_is_help=True)


class ListKind(StrEnum):
    experts = "experts"
    personas = "personas"
    arcs = "arcs"
    topics = "topics"
    templates = "templates"


@app.command("list")
def list_(
    kind: ListKind = typer.Argument(..., help="What to list."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of objects, each with its 'key'."),
    active_only: bool = typer.Option(False, "--active", help="Only active records."),
) -> None:
    """List personas, arcs, topics, templates (or expert profiles)."""
    with friendly_errors():
        records = services().scaffolding.list(cast(Kind, kind.value), active_only=active_only)
    if as_json:
        print_json([{"key": r.key, **r.model_dump(mode="json")} for r in records])
        return
    info = KIND_INFO[cast(Kind, kind.value)]
    table = Table(title=f"{len(records)} {info.label}s")
    for column in ("key", "name", "active"):
        table.add_column(column)
    for record in records:
        name = getattr(record, "name", getattr(record, "description", ""))
        table.add_row(record.key, str(name), "yes" if record.is_active else "no")
    console.print(table)


@app.command("install-defaults")
def install_defaults_cmd() -> None:
    """Add the default expert profile, personas, arcs, topics and templates that are not there yet."""
    from core.scaffolding.defaults import install_defaults

    with friendly_errors():
        added = install_defaults(services().scaffolding)
    console.print(", ".join(f"{n} {kind}" for kind, n in added.items()) + " added.")
