"""Resource limits for rendering a template: output size, ranges, loop iterations, value sizes, time.

A render opens a ``_Budget`` (a context variable, so concurrent renders in threads stay apart); the
sandbox's hooks (``core.prompts.sandbox``) charge every loop iteration and check every value they build.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

import jinja2

from core.errors import ValidationError

HUGE_WIDTH = re.compile(r"\d{7,}")
LOOP_FILTER = "loop_budget"


@dataclass(frozen=True)
class RenderLimits:
    """How far one render may go. The defaults are far above any real prompt."""

    max_output_chars: int = 1_000_000
    max_range: int = 10_000
    max_iterations: int = 200_000
    max_seconds: float = 2.0


class TemplateError(ValidationError):
    """A template is not valid Jinja2, names a value nobody provides, or does something forbidden."""


class TemplateLimitError(TemplateError):
    """A template went past a render limit; the message says which and how to fix it."""


class Budget:
    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.iterations = 0

    def tick(self) -> None:
        self.iterations += 1
        if self.iterations > self.limits.max_iterations:
            raise TemplateLimitError(
                f"The template's loops run more than {self.limits.max_iterations:,} times in all.",
                hint="A prompt never needs that many repetitions: remove the nested loops.",
            )
        if self.iterations % 256 == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(
                f"The template took longer than {self.limits.max_seconds:g} seconds to fill in.",
                hint="Remove large loops or repeated text from the template.",
            )

    def check_size(self, value: Any) -> Any:
        if isinstance(value, str | list | tuple | bytes) and len(value) > self.limits.max_output_chars:
            raise self.too_big()
        return value

    def check_count(self, count: int) -> None:
        if count > self.limits.max_output_chars:
            raise self.too_big()

    def too_big(self) -> TemplateLimitError:
        return TemplateLimitError(
            f"The template builds text longer than {self.limits.max_output_chars:,} characters.",
            hint="Check for repeated text such as 'x' * 1000000 or a loop that doubles a value.",
        )


BUDGET: ContextVar[Budget | None] = ContextVar("template_budget", default=None)


def current_budget() -> Budget:
    budget = BUDGET.get()
    if budget is None:  # rendering outside render(): apply the default limits
        budget = Budget(RenderLimits())
        BUDGET.set(budget)
    return budget


class BudgetedRange:
    """``range()`` for templates: at most ``max_range`` values, each iteration charged to the budget."""

    def __init__(self, *args: int) -> None:
        self._range = range(*args)
        limit = current_budget().limits.max_range
        if len(self._range) > limit:
            raise TemplateLimitError(
                f"range() in the template asks for {len(self._range):,} numbers; the limit is {limit:,}.",
                hint="Use a smaller range.",
            )

    def __len__(self) -> int:
        return len(self._range)

    def __getitem__(self, index: Any) -> Any:
        return self._range[index]

    def __iter__(self) -> Iterator[int]:
        return _charged(iter(self._range))


def _charged(items: Iterator[Any]) -> Iterator[Any]:
    budget = current_budget()
    for item in items:
        budget.tick()
        yield item


LOOP_FILTER = "loop_budget"


def loop_budget(iterable: Any) -> Any:
    """The iterable of every ``{% for %}``: each iteration is charged to the render's budget."""
    if isinstance(iterable, jinja2.Undefined):
        return iterable
    return _charged(iter(iterable))


def big_int(value: Any, limit: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > limit


def precheck(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Refuse, before any memory is spent, a call whose result would be past the size limit."""
    budget = current_budget()
    limit = budget.limits.max_output_chars
    if any(big_int(a, limit) for a in (*args, *kwargs.values())):
        raise budget.too_big()
    strings = [a for a in args if isinstance(a, str)]
    if name == "replace" and len(strings) >= 3:
        text, old, new = strings[:3]
        if old and len(new) > len(old):
            budget.check_count(len(text) + text.count(old) * (len(new) - len(old)))
    elif name == "join" and args and isinstance(args[-1], list | tuple):
        budget.check_count(sum(len(x) if isinstance(x, str) else 16 for x in args[-1]))


def limited_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        precheck(name, args, kwargs)
        return current_budget().check_size(func(*args, **kwargs))

    return run
