"""Entry point of ``python -m core``. Each command group lives in its own module of this package.

A command's module is imported only when that command runs (or when help lists it), so ``stats`` does
not load the batch machinery, the Claude SDK, the spec splitter or the exporters.
"""

from __future__ import annotations

import importlib
import os
from typing import Annotated, ClassVar

import typer
from typer import _click as click  # typer 0.29 ships its own click
from typer.core import TyperGroup

# Command name -> (module, attribute): a ``typer.Typer`` (a group of commands) or a function (one command).
# Help lists them in this order.
COMMANDS: dict[str, tuple[str, str]] = {
    "project": ("core.cli.projects", "app"),
    "db": ("core.cli.db", "app"),
    "batch": ("core.cli.batch", "app"),
    "worker": ("core.cli.batch", "worker"),
    "scaffolding": ("core.cli.scaffolding", "app"),
    "demo": ("core.cli.data_cmds", "demo_app"),
    "spec": ("core.cli.spec", "app"),
    "import": ("core.cli.data_cmds", "import_files"),
    "stats": ("core.cli.data_cmds", "stats"),
    "generate": ("core.cli.generate", "generate"),
    "enrich": ("core.cli.enrich", "enrich"),
    "export": ("core.cli.export", "export"),
    "training-file": ("core.cli.export", "training_file_app"),
    "review": ("core.cli.review", "app"),
    "conversations": ("core.cli.conversations", "app"),
    "train": ("core.cli.train", "app"),
    "models": ("core.cli.train", "models_app"),
    "try": ("core.cli.evaluate", "try_model"),
    "evaluate": ("core.cli.evaluate", "evaluate"),
}


def load_command(name: str, commands: dict[str, tuple[str, str]] | None = None) -> click.Command:
    """Import the module behind ``name`` and build its click command, exactly as ``add_typer``/``command`` would."""
    module, attribute = (COMMANDS if commands is None else commands)[name]
    target = getattr(importlib.import_module(module), attribute)
    if isinstance(target, typer.Typer):
        command: click.Command = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyCommands(TyperGroup):
    """A group that knows its lazy commands' names and builds one the first time it is asked for.

    ``LAZY`` maps a command name to ``(module, attribute)``; the root group's are ``COMMANDS``.
    """

    LAZY: ClassVar[dict[str, tuple[str, str]]] = COMMANDS

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in self.LAZY if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.LAZY:
            self.commands[cmd_name] = load_command(cmd_name, self.LAZY)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    name="core",
    cls=LazyCommands,
    help="Bright Run Studio: scaffolding, generation, enrichment, review and export from the command line.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    project: Annotated[
        str | None,
        typer.Option(
            "--project",
            envvar="BRIGHTRUN_PROJECT",
            help="Work in this project (its slug, see `project list`); default: the first project, 'default'.",
        ),
    ] = None,
) -> None:
    """Bright Run Studio: scaffolding, generation, enrichment, review and export from the command line."""
    if project is not None and project.strip():
        # Every command builds its services from the settings, which read this; helper processes inherit it.
        # Put back when the command ends (a command run in-process, as tests do, leaves nothing behind).
        before = os.environ.get("BRIGHTRUN_PROJECT")
        os.environ["BRIGHTRUN_PROJECT"] = project.strip()
        ctx.call_on_close(lambda: _restore_project(before))
        if ctx.invoked_subcommand != "db":  # `db upgrade` may be what makes the projects table
            from core.cli.projects import check_project

            check_project(project.strip())


def _restore_project(value: str | None) -> None:
    if value is None:
        os.environ.pop("BRIGHTRUN_PROJECT", None)
    else:
        os.environ["BRIGHTRUN_PROJECT"] = value


def run() -> None:
    app()
