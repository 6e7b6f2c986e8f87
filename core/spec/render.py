"""Jinja2 rendering for the spec tooling.

Built-in templates live in ``templates/spec/``. Every template, built-in or uploaded, renders through the
one prompt renderer (``core.prompts``: sandboxed, ``StrictUndefined``, resource limits): a template that
names a value we do not provide is an error naming that value, never a silently empty string.
"""

from __future__ import annotations

from typing import Any

from core import prompts
from core.errors import SpecError

SPEC_TEMPLATES = "spec"


def builtin_template_text(name: str) -> str:
    """Source text of a built-in template (for showing or downloading it as a starting point)."""
    return prompts.template_source(f"{SPEC_TEMPLATES}/{name}")


def render_builtin(name: str, **context: Any) -> str:
    """Render ``templates/spec/{name}``."""
    try:
        return prompts.render_builtin(f"{SPEC_TEMPLATES}/{name}", context)
    except prompts.TemplateError as exc:
        raise _spec_error(exc) from exc


def render_user(source: str, label: str = "uploaded template", **context: Any) -> str:
    """Render a user-supplied template in the sandbox; errors name the template and the problem."""
    try:
        return prompts.render(source, context, label=label, trim_blocks=True)
    except prompts.TemplateError as exc:
        raise _spec_error(exc) from exc


def template_variables(source: str, label: str = "template") -> list[str]:
    """Names a template reads but does not define itself, sorted: its placeholders."""
    try:
        return sorted(prompts.parse_variables(source, label=label))
    except prompts.TemplateError as exc:
        raise _spec_error(exc) from exc


def _spec_error(exc: prompts.TemplateError) -> SpecError:
    return SpecError(exc.message, hint=exc.hint)
