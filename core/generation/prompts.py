"""Generation prompts, rendered by the one prompt renderer (``core.prompts``: sandboxed, strict, bounded).

User templates come from storage and may be edited by anyone with access, so they render in the sandbox
with resource limits; an unknown name or a template that goes past a limit is refused when it is saved
(a trial render with sample values), and a missing value stops rendering with its name.
The system prompt comes from ``templates/system_prompt.md.j2``; everything above its
``## This conversation`` heading depends only on the expert, so that prefix is sent as a cached block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core import prompts
from core.errors import ValidationError
from core.generation.variables import (
    TEMPLATE_VARIABLES,
    fill_custom,
    is_custom_placeholder,
    sample_variables,
    undeclared_custom,
)
from core.llm.types import SystemBlock
from core.models.projects import ClientField
from core.models.scaffolding import PromptTemplate

SYSTEM_PROMPT_TEMPLATE = "system_prompt.md.j2"
CONTEXT_HEADING = "## This conversation"


def variables_used(text: str) -> set[str]:
    """The variable names a template reads (a syntax error raises ``ValidationError``)."""
    return prompts.parse_variables(text, label="template text")


def check_custom_fields(text: str, fields: Sequence[ClientField], *, name: str) -> None:
    """Refuse a prompt that uses a placeholder of a custom client field the project does not declare."""
    missing = undeclared_custom(variables_used(text), fields)
    if missing:
        raise ValidationError(
            f"The prompt '{name}' uses a client field this project's clients do not have:",
            problems=[
                f"{{{{ {n} }}}}: no custom field “{n.removeprefix('client_').replace('_', ' ')}”" for n in missing
            ],
            hint="Add the field under Custom fields on Scaffolding → Clients, or remove the placeholder from the prompt.",
        )


def check_template(template: PromptTemplate, fields: Sequence[ClientField] | None = None) -> None:
    """Refuse a template that uses a variable generation does not provide, naming each one, or that goes
    past a render limit with sample values (a template that loops forever is refused when saved). With the
    project's custom client ``fields``, a custom-field placeholder must be one of them."""
    used = variables_used(template.template_text)
    unknown = sorted(n for n in used - TEMPLATE_VARIABLES if not is_custom_placeholder(n))
    if unknown:
        raise ValidationError(
            f"The prompt '{template.template_name}' uses placeholders the app does not know:",
            problems=[f"unknown placeholder '{name}'" for name in unknown],
            hint="Pick placeholders from the list under the prompt text (Scaffolding, Prompts tab), or remove these.",
        )
    if fields is not None:
        check_custom_fields(template.template_text, fields, name=template.template_name)
    render_user_prompt(template, sample_variables())


def render_text(text: str, variables: Mapping[str, Any], *, name: str) -> str:
    """Render template ``text``; a missing variable, an unsafe expression or a limit raises ``ValidationError``."""
    filled = fill_custom(variables, variables_used(text))  # a custom field this client lacks: "Not specified"
    return prompts.render(text, filled, label=f"template '{name}'")


def render_user_prompt(template: PromptTemplate, variables: Mapping[str, Any]) -> str:
    return render_text(template.template_text, variables, name=template.template_name)


def render_system_prompt(variables: Mapping[str, Any]) -> str:
    return prompts.render_builtin(SYSTEM_PROMPT_TEMPLATE, variables)


def system_blocks(system_prompt: str) -> list[SystemBlock]:
    """Split the system prompt into a cached expert prefix and the conversation's context.

    The blocks joined give back ``system_prompt`` exactly, so what is sent is what training pairs hold.
    """
    at = system_prompt.find(CONTEXT_HEADING)
    if at <= 0:
        return [SystemBlock(text=system_prompt)]
    return [SystemBlock(text=system_prompt[:at], cache=True), SystemBlock(text=system_prompt[at:])]
