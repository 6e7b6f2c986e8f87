"""Which prompt template fits a persona, topic and tier, ranked with a one-line reason (§2.4 variant 2).

Score: base 0.5; tier must match (else excluded) +0.2; persona list empty +0.10, lists it +0.15, does not
−0.05; topic list empty +0.05, lists it +0.10; rating ≥ 4.5 +0.05; capped at 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ValidationError
from core.models.scaffolding import PromptTemplate, Tier
from core.scaffolding.fields import TIER_LABELS


@dataclass(frozen=True)
class RankedTemplate:
    template: PromptTemplate
    score: float
    reason: str


def _persona_part(template: PromptTemplate, persona_key: str) -> tuple[float, str]:
    if not template.suitable_personas:
        return 0.10, "any client"
    if persona_key in template.suitable_personas:
        return 0.15, "written for this client"
    return -0.05, "meant for other clients"


def _topic_part(template: PromptTemplate, topic_key: str) -> tuple[float, str]:
    if not template.suitable_topics:
        return 0.05, "any topic"
    if topic_key in template.suitable_topics:
        return 0.10, "written for this topic"
    return 0.0, "meant for other topics"


def rank_templates(
    templates: list[PromptTemplate], *, arc_key: str, persona_key: str, topic_key: str, tier: Tier
) -> list[RankedTemplate]:
    """Active templates for ``arc_key`` and ``tier``, best first (ties: quality threshold, rating, name)."""
    ranked = []
    for template in templates:
        if not template.is_active or template.emotional_arc_type != arc_key or template.tier != tier:
            continue
        persona_score, persona_reason = _persona_part(template, persona_key)
        topic_score, topic_reason = _topic_part(template, topic_key)
        rating = template.rating or 0.0
        score = 0.5 + 0.2 + persona_score + topic_score + (0.05 if rating >= 4.5 else 0.0)
        parts = [f"{TIER_LABELS.get(tier, tier).lower()} conversations", persona_reason, topic_reason]
        if template.rating is not None:
            parts.append(f"rated {template.rating:.1f}")
        ranked.append(RankedTemplate(template, round(min(score, 1.0), 2), "; ".join(parts)))
    ranked.sort(
        key=lambda r: (-r.score, -r.template.quality_threshold, -(r.template.rating or 0.0), r.template.template_name)
    )
    return ranked


def choose_template(
    templates: list[PromptTemplate],
    *,
    arc_key: str,
    persona_key: str,
    topic_key: str,
    tier: Tier,
    template_name: str | None = None,
) -> PromptTemplate:
    """The named template, or the best ranked one; a clear error when the arc has none for this tier."""
    if template_name:
        for template in templates:
            if template.template_name == template_name or template.id == template_name:
                return template
        raise ValidationError(
            f"No prompt template named '{template_name}'.",
            hint="Pick one of the templates on the Scaffolding page.",
            terminal_hint="List them with: python -m core scaffolding list templates",
        )
    ranked = rank_templates(templates, arc_key=arc_key, persona_key=persona_key, topic_key=topic_key, tier=tier)
    if ranked:
        return ranked[0].template
    other_tiers = sorted({t.tier for t in templates if t.emotional_arc_type == arc_key and t.is_active})
    hint = (
        f"This arc has templates for the tier(s): {', '.join(other_tiers)}. Choose one of those."
        if other_tiers
        else "Add a template for this arc on the Scaffolding page."
    )
    raise ValidationError(f"There is no active prompt template for arc '{arc_key}' and tier '{tier}'.", hint=hint)
