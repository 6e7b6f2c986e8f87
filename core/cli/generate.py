"""``python -m core generate --persona KEY --arc KEY --topic KEY [--tier TIER] [--template NAME]``."""

from __future__ import annotations

from enum import StrEnum
from typing import cast

import typer

from core.cli.common import console, err_console, friendly_errors, services
from core.models.scaffolding import Tier


class TierChoice(StrEnum):
    template = "template"
    scenario = "scenario"
    edge_case = "edge_case"


def generate(
    persona: str = typer.Option(..., "--persona", help="Persona key, e.g. anxious_planner."),
    arc: str = typer.Option(..., "--arc", help="Emotional arc key, e.g. confusion_to_clarity."),
    topic: str = typer.Option(..., "--topic", help="Training topic key, e.g. roth_ira_conversion."),
    tier: TierChoice | None = typer.Option(None, "--tier", help="Tier; defaults to the arc's tier."),
    template: str | None = typer.Option(None, "--template", help="Template name; defaults to the best ranked."),
) -> None:
    """Generate one conversation with Claude, and enrich it right after unless BRIGHTRUN_ENRICH_AFTER_GENERATE is
    off. Prints its id; on failure, the reason and the report's path."""
    with friendly_errors():
        built = services()
        from core.llm.models import model_warning  # loads the SDK: only this command needs it

        warning = model_warning(built.settings.model)
        if warning:
            err_console.print(f"Warning: {warning}", highlight=False, markup=False, soft_wrap=True)
        generated = built.actions.generate(
            persona, arc, topic, tier=cast(Tier, tier.value) if tier else None, template_name=template
        )
    result = generated.result
    if result.ok:
        console.print(result.conversation_id, highlight=False, soft_wrap=True)
        if generated.enriched is False:  # written, but not enriched: say why (the id stays alone on stdout)
            err_console.print(generated.message, highlight=False, markup=False, soft_wrap=True)
        return
    err_console.print(result.message, highlight=False, markup=False, soft_wrap=True)
    if result.report_path:
        err_console.print(f"Report: {result.report_path}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(1)
