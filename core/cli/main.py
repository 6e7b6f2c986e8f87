"""Entry point of ``python -m core``. Each command group lives in its own module of this package."""

from __future__ import annotations

import typer

from core.cli import batch, data_cmds, db, enrich, export, generate, review, scaffolding, spec

app = typer.Typer(
    name="core",
    help="Bright Run Studio: scaffolding, generation, enrichment, review and export from the command line.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(batch.app, name="batch")
app.command("worker")(batch.worker)
app.add_typer(scaffolding.app, name="scaffolding")
app.add_typer(data_cmds.demo_app, name="demo")
app.add_typer(spec.app, name="spec")
app.command("import")(data_cmds.import_files)
app.command("stats")(data_cmds.stats)
app.command("generate")(generate.generate)
app.command("enrich")(enrich.enrich)
app.command("export")(export.export)
app.add_typer(export.training_file_app, name="training-file")
app.add_typer(review.app, name="review")


def run() -> None:
    app()
