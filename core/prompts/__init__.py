"""The one prompt renderer: every prompt is a Jinja2 file under ``templates/``, rendered in one sandbox.

Built-in prompts (generation system prompt, enrichment, the quality judge, the spec tooling) and the
expert's own prompt templates render through the same sandboxed environment with ``StrictUndefined``:
a placeholder with no value is an error that names it, never an empty string.

A prompt template is the expert's input, so rendering is also bounded (``RenderLimits``): the output
size, every ``range()``, the iterations of all loops together, the size of any string or list an
expression builds (``'x' * 10**10``, ``x ~ x`` in a loop, a filter or method padding to a huge width),
and the wall time. Going past a limit raises ``TemplateLimitError`` with plain words, before memory or
time run out.

Templates are package resources (``core/templates`` is the top-level ``templates/`` folder, shipped in
the wheel), so a non-editable install renders from any working directory.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import jinja2
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.sandbox import SecurityError

from core.prompts.limits import BUDGET, Budget, RenderLimits, TemplateError, TemplateLimitError
from core.prompts.sandbox import PromptEnvironment

__all__ = [
    "RenderLimits",
    "TemplateError",
    "TemplateLimitError",
    "environment",
    "parse_variables",
    "render",
    "render_builtin",
    "template_source",
]

TEMPLATES: Traversable = files("core") / "templates"
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined")
#: Held while a template is parsed or compiled, so the lanes of a batch that start together on the same
#: template compile it once between them (each would otherwise compile its own copy before the cache has one).
_COMPILING = threading.Lock()


@lru_cache(maxsize=1)
def environment() -> PromptEnvironment:
    """The one environment every prompt renders in, with Jinja's default whitespace (the expert's templates)."""
    return PromptEnvironment(loader=jinja2.FunctionLoader(_load_builtin), undefined=StrictUndefined, autoescape=False)


@lru_cache(maxsize=1)
def _trimmed() -> PromptEnvironment:
    """The same environment, but a line holding only a block tag leaves no blank line (our own files)."""
    return environment().overlay(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)  # type: ignore[return-value]


def _env(trim_blocks: bool) -> PromptEnvironment:
    return _trimmed() if trim_blocks else environment()


def _load_builtin(name: str) -> str | None:
    path = TEMPLATES.joinpath(*name.split("/"))
    return path.read_text(encoding="utf-8") if path.is_file() else None


def template_source(name: str) -> str:
    """The text of the built-in template ``name`` (a path under ``templates/``, e.g. ``spec/index.md.j2``)."""
    source = _load_builtin(name)
    if source is None:
        raise TemplateError(f"The built-in template {name} is missing from this installation.")
    return source


def parse_variables(text: str, *, label: str = "template") -> set[str]:
    """The names a template reads from its caller (its placeholders); a syntax error raises ``TemplateError``."""
    try:
        with _COMPILING:
            return set(_variables(text))
    except TemplateSyntaxError as err:
        raise _syntax_error(err, label) from err


@lru_cache(maxsize=512)
def _parsed(text: str) -> nodes.Template:
    """``text`` parsed once (default whitespace): its placeholders and its compiled form are both read from it."""
    return environment().parse(text)


@lru_cache(maxsize=512)
def _variables(text: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_parsed(text)) - set(environment().globals))


@lru_cache(maxsize=512)
def _compiled(text: str, trim_blocks: bool) -> jinja2.Template:
    """``text`` compiled once: a batch renders the same few templates for every item (the budget is per render).
    With the default whitespace it compiles the tree ``_parsed`` already holds, rather than parsing again."""
    return _env(trim_blocks).from_string(text if trim_blocks else _parsed(text))


def render(
    text: str,
    variables: Mapping[str, Any],
    *,
    label: str = "template",
    trim_blocks: bool = False,
    limits: RenderLimits | None = None,
) -> str:
    """Render template ``text`` with ``variables`` inside the sandbox and the limits.

    ``trim_blocks`` renders with the whitespace rules of our own files (see ``render_builtin``). Raises
    ``TemplateError`` (syntax, a missing value, something the sandbox forbids) or ``TemplateLimitError``,
    each naming ``label``.
    """
    try:
        with _COMPILING:
            template = _compiled(text, trim_blocks)
    except TemplateSyntaxError as err:
        raise _syntax_error(err, label) from err
    return _render(template, variables, label, limits)


def render_builtin(name: str, variables: Mapping[str, Any], *, limits: RenderLimits | None = None) -> str:
    """Render the built-in template ``name`` (a path under ``templates/``).

    Our own files render with ``trim_blocks`` and ``lstrip_blocks``: a line holding only a block tag
    leaves no blank line behind, and the file's last newline is kept.
    """
    try:
        with _COMPILING:
            template = _trimmed().get_template(name)
    except jinja2.TemplateNotFound as err:
        raise TemplateError(f"The built-in template {name} is missing from this installation.") from err
    except TemplateSyntaxError as err:
        raise _syntax_error(err, name) from err
    return _render(template, variables, name, limits)


def _render(template: jinja2.Template, variables: Mapping[str, Any], label: str, limits: RenderLimits | None) -> str:
    budget = Budget(limits or RenderLimits())
    token = BUDGET.set(budget)
    try:
        size = 0
        chunks: list[str] = []
        for chunk in template.generate(**variables):
            size += len(chunk)
            budget.check_count(size)
            budget.check_time()
            chunks.append(chunk)
        return "".join(chunks)
    except TemplateLimitError as err:
        raise TemplateLimitError(f"The {label} was stopped: {err.user_message}", hint=err.hint) from None
    except UndefinedError as err:
        found = _UNDEFINED_NAME.search(str(err.message))
        missing = found.group(1) if found else str(err.message)
        raise TemplateError(
            f"The {label} needs the value '{missing}', which is not provided.",
            hint="Check the placeholder's spelling, or fill in the field it comes from.",
        ) from err
    except SecurityError as err:
        raise TemplateError(f"The {label} tries something the sandbox forbids: {err}.") from err
    except (MemoryError, OverflowError, RecursionError) as err:
        raise TemplateLimitError(
            f"The {label} was stopped: it needs more memory or depth than a prompt may use ({type(err).__name__}).",
            hint="Remove very large numbers, repetitions or a macro that calls itself.",
        ) from None
    except jinja2.TemplateError as err:
        raise TemplateError(f"The {label} could not be filled in: {err}.") from err
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as err:
        raise TemplateError(f"The {label} could not be filled in: {err}.") from err
    finally:
        BUDGET.reset(token)


def _syntax_error(err: TemplateSyntaxError, label: str) -> TemplateError:
    return TemplateError(
        f"The {label} is not valid Jinja2: {err.message} (line {err.lineno}).",
        hint="Placeholders look like {{ persona_name }}; blocks like {% if ... %} … {% endif %}; "
        "literal braces go inside {% raw %} … {% endraw %}.",
    )
