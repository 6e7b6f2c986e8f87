"""Rendering prompts through one sandboxed Jinja2 environment with strict undefined variables.

User templates come from storage and may be edited by anyone with access, so they render in the sandbox;
an unknown name is refused when a template is saved, and a missing one stops rendering with its name.
The system prompt comes from ``templates/system_prompt.md.j2``; everything above its
``## This conversation`` heading depends only on the expert, so that prefix is sent as a cached block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2 import StrictUndefined, meta
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from core.errors import ValidationError
from core.generation.variables import TEMPLATE_VARIABLES
from core.llm.types import SystemBlock
from core.models.scaffolding import PromptTemplate
from core.settings import PROJECT_ROOT

TEMPLATES_DIR = PROJECT_ROOT / "templates"
SYSTEM_PROMPT_TEMPLATE = "system_prompt.md.j2"
CONTEXT_HEADING = "## This conversation"
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined")

ENV = SandboxedEnvironment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), undefined=StrictUndefined, autoescape=False)


def variables_used(text: str) -> set[str]:
    """The variable names a template reads (a syntax error raises ``ValidationError``)."""
    try:
        return set(meta.find_undeclared_variables(ENV.parse(text)))
    except jinja2.TemplateSyntaxError as err:
        raise ValidationError(
            f"The template text is not valid Jinja2: {err.message} (line {err.lineno}).",
            hint="Placeholders look like {{ persona_name }}; blocks like {% if ... %} … {% endif %}.",
        ) from err


def check_template(template: PromptTemplate) -> None:
    """Refuse a template that uses a variable generation does not provide, naming each one."""
    unknown = sorted(variables_used(template.template_text) - TEMPLATE_VARIABLES)
    if unknown:
        raise ValidationError(
            f"The template '{template.template_name}' uses variables that generation does not provide:",
            problems=[f"unknown variable '{name}'" for name in unknown],
            hint="Use only the variables listed under 'Template variables' on the Generate page, "
            "or remove these placeholders.",
        )


def render_text(text: str, variables: Mapping[str, Any], *, name: str) -> str:
    """Render template ``text``; a missing variable or unsafe expression raises ``ValidationError``."""
    try:
        return ENV.from_string(text).render(**variables)
    except jinja2.UndefinedError as err:
        found = _UNDEFINED_NAME.search(str(err.message))
        missing = found.group(1) if found else str(err.message)
        raise ValidationError(
            f"Generation stopped: the template '{name}' needs the variable '{missing}', which has no value.",
            hint="Edit the template to use a known variable, or fill in the scaffolding field it comes from.",
        ) from err
    except SecurityError as err:
        raise ValidationError(f"The template '{name}' tries something the sandbox forbids: {err}") from err
    except jinja2.TemplateSyntaxError as err:
        raise ValidationError(f"The template '{name}' is not valid Jinja2: {err.message} (line {err.lineno}).") from err


def render_user_prompt(template: PromptTemplate, variables: Mapping[str, Any]) -> str:
    return render_text(template.template_text, variables, name=template.template_name)


def render_system_prompt(variables: Mapping[str, Any]) -> str:
    source = (TEMPLATES_DIR / SYSTEM_PROMPT_TEMPLATE).read_text(encoding="utf-8")
    return render_text(source, variables, name=SYSTEM_PROMPT_TEMPLATE)


def system_blocks(system_prompt: str) -> list[SystemBlock]:
    """Split the system prompt into a cached expert prefix and the conversation's context.

    The blocks joined give back ``system_prompt`` exactly, so what is sent is what training pairs hold.
    """
    at = system_prompt.find(CONTEXT_HEADING)
    if at <= 0:
        return [SystemBlock(text=system_prompt)]
    return [SystemBlock(text=system_prompt[:at], cache=True), SystemBlock(text=system_prompt[at:])]
