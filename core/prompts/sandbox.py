"""The sandboxed Jinja2 environment with the render limits wired into its hooks."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import SandboxedEnvironment

from core.prompts.limits import (
    HUGE_WIDTH,
    LOOP_FILTER,
    BudgetedRange,
    TemplateLimitError,
    big_int,
    current_budget,
    limited_filter,
    loop_budget,
    precheck,
)


class _BudgetedCodeGenerator(CodeGenerator):
    """Compiles templates so every ``~`` concatenation is checked for size."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.check_size(")
        super().visit_Concat(node, frame)
        self.write(")")


class PromptEnvironment(SandboxedEnvironment):
    """The sandbox with resource limits. One instance serves every prompt (``environment()``)."""

    code_generator_class = _BudgetedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = BudgetedRange
        self.filters = {name: limited_filter(name, f) for name, f in self.filters.items()}
        self.filters[LOOP_FILTER] = loop_budget

    def check_size(self, value: Any) -> Any:
        return current_budget().check_size(value)

    def _generate(self, source: nodes.Template, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        # Every {% for %} iterates through the budget filter; filters cannot be shadowed by a variable.
        for loop in source.find_all(nodes.For):
            if not (isinstance(loop.iter, nodes.Filter) and loop.iter.name == LOOP_FILTER):
                loop.iter = nodes.Filter(loop.iter, LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
        return super()._generate(source, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and HUGE_WIDTH.search(value.__self__):

            def refuse(*args: Any, **kwargs: Any) -> str:
                raise current_budget().too_big()

            return refuse
        return wrapped

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        budget = current_budget()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    budget.check_count(len(seq) * max(times, 0))
        elif operator == "**" and isinstance(left, int | float) and isinstance(right, int | float):
            if abs(left) > 1 and abs(right) * math.log10(abs(left)) > 4000:
                raise TemplateLimitError(
                    "The template computes a number too large to use.", hint="Use a smaller power."
                )
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            budget.check_count(len(left) + len(right))
        elif operator == "%" and isinstance(left, str) and HUGE_WIDTH.search(left):
            raise budget.too_big()
        if big_int(left, 10**100) or big_int(right, 10**100):
            raise TemplateLimitError("The template computes a number too large to use.")
        return budget.check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = current_budget()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            precheck(getattr(__obj, "__name__", ""), (owner, *args), kwargs)
        elif __obj is not BudgetedRange and any(
            big_int(a, budget.limits.max_output_chars) for a in (*args, *kwargs.values())
        ):
            raise budget.too_big()
        budget.check_time()
        return budget.check_size(super().call(__context, __obj, *args, **kwargs))
