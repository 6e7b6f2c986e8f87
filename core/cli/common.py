"""Helpers shared by commands: building services, printing errors, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pydantic
import typer

from core.errors import BrightRunError
from core.validation import user_error

if TYPE_CHECKING:
    from rich.console import Console

    from core.bootstrap import Services


class LazyConsole:
    """A rich ``Console`` made on the first ``print``: a command that prints only JSON never loads rich."""

    def __init__(self, *, stderr: bool = False) -> None:
        self.stderr = stderr
        self._console: Console | None = None

    @property
    def rich(self) -> Console:
        """The rich ``Console`` itself (for a progress bar), made now if it was not yet."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self.stderr)
        return self._console

    def print(self, *objects: Any, **options: Any) -> None:
        self.rich.print(*objects, **options)


console = LazyConsole()
err_console = LazyConsole(stderr=True)


def services() -> Services:
    from core.bootstrap import build_services  # the storage stack loads only for commands that use it

    return build_services()


def fail(message: str, *, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]Error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(code)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn project errors into a message and a non-zero exit, without a traceback."""
    try:
        yield
    except BrightRunError as err:
        err_console.print(f"Error: {err.terminal_message}", highlight=False, markup=False)
        raise typer.Exit(1) from err
    except pydantic.ValidationError as err:
        err_console.print(f"Error: {user_error(err).terminal_message}", highlight=False, markup=False)
        raise typer.Exit(1) from err


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
