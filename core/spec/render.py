"""Jinja2 rendering for the spec tooling.

Built-in templates live in ``templates/spec/``. Every template, built-in or uploaded, renders in a
sandboxed environment with ``StrictUndefined``: a template that names a value we do not provide is an
error naming that value, never a silently empty string.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from core.errors import SpecError

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "spec"


def _environment(loader: FileSystemLoader | None = None) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


@lru_cache(maxsize=1)
def _builtin_environment() -> SandboxedEnvironment:
    return _environment(FileSystemLoader(TEMPLATES_DIR))


def builtin_template_text(name: str) -> str:
    """Source text of a built-in template (for showing or downloading it as a starting point)."""
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")


def render_builtin(name: str, **context: Any) -> str:
    """Render ``templates/spec/{name}``."""
    try:
        template = _builtin_environment().get_template(name)
    except TemplateError as exc:
        raise SpecError(f"The built-in template {name} could not be loaded: {exc}") from exc
    return _render(lambda: template.render(**context), name)


def render_user(source: str, label: str = "uploaded template", **context: Any) -> str:
    """Render a user-supplied template in the sandbox; errors name the template and the problem."""
    try:
        template = _environment().from_string(source)
    except TemplateSyntaxError as exc:
        raise SpecError(
            f"The {label} is not a valid Jinja2 template: {exc.message} (line {exc.lineno}).",
            hint="Literal '{{', '{%' or '{#' must be wrapped in {% raw %} … {% endraw %}.",
        ) from exc
    return _render(lambda: template.render(**context), label)


def template_variables(source: str, label: str = "template") -> list[str]:
    """Names a template reads but does not define itself, sorted: its placeholders."""
    environment = _environment()
    try:
        parsed = environment.parse(source)
    except TemplateSyntaxError as exc:
        raise SpecError(f"The {label} is not a valid Jinja2 template: {exc.message} (line {exc.lineno}).") from exc
    return sorted(meta.find_undeclared_variables(parsed) - set(environment.globals))


def _render(call: Any, label: str) -> str:
    try:
        return str(call())
    except UndefinedError as exc:
        raise SpecError(
            f"The {label} uses a value that is not provided: {exc.message}.",
            hint="Check the placeholder's spelling, or supply a value for it.",
        ) from exc
    except SecurityError as exc:
        raise SpecError(f"The {label} tried something the sandbox does not allow: {exc}.") from exc
    except TemplateError as exc:
        raise SpecError(f"The {label} could not be rendered: {exc}.") from exc
