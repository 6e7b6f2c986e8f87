"""The variables a generation template can use: every key the earlier system produced or its templates
asked for (earlier-system.md §2.5–2.6), plus the expert profile. All of them always resolve.

Lists render as ``- item`` lines; numbers as plain strings; a missing optional text as "Not specified".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, Tier, TrainingTopic

NOT_SPECIFIED = "Not specified"
#: Temperature by topic complexity when none is given (earlier-system.md §2.8).
TEMPERATURE_BY_COMPLEXITY = {"beginner": 0.65, "intermediate": 0.7, "advanced": 0.7}

#: One-off placeholders of the earlier seeded templates that no scaffolding field holds: persona ones are
#: read from the persona's demographics when present, the rest render empty so old templates still work.
PERSONA_EXTRAS = ("persona_anxiety_triggers", "persona_partnership_context", "persona_loss_context")
TOPIC_EXTRAS = (
    "topic_security_indicators",
    "topic_values_framing",
    "topic_prioritization_framework",
    "topic_immediate_actions",
    "topic_crisis_timeline",
    "topic_both_and_solutions",
)


def bullets(items: Iterable[str]) -> str:
    """``- item`` lines, one per non-empty item."""
    return "\n".join(f"- {item.strip()}" for item in items if item and item.strip())


def number(value: float) -> str:
    return str(round(value, 2))


def default_temperature(topic: TrainingTopic) -> float:
    return TEMPERATURE_BY_COMPLEXITY.get(topic.complexity_level, 0.7)


def expert_variables(expert: ExpertProfile) -> dict[str, Any]:
    return {
        "expert_name": expert.name,
        "expert_business": expert.business,
        "expert_expertise": expert.expertise or NOT_SPECIFIED,
        "expert_years_experience": expert.years_experience,
        "expert_principles": bullets(expert.principles),
        "expert_tone": expert.tone,
        "expert_techniques": bullets(expert.techniques),
        "expert_avoid": bullets(expert.avoid),
    }


def persona_variables(persona: Persona) -> dict[str, Any]:
    demographics = ", ".join(f"{k}: {v}" for k, v in persona.demographics.items() if v)
    return {
        "persona_name": persona.name,
        "persona_key": persona.persona_key,
        "persona_type": persona.persona_key,
        "persona_archetype": persona.archetype,
        "persona_age": persona.age_range or NOT_SPECIFIED,
        "persona_career": persona.occupation or NOT_SPECIFIED,
        "persona_income": persona.income_range or NOT_SPECIFIED,
        "persona_demographics": demographics or NOT_SPECIFIED,
        "persona_financial_background": persona.financial_background or NOT_SPECIFIED,
        # The earlier system preferred the background here; templates now show both, so the situation wins.
        "persona_financial_situation": persona.financial_situation or persona.financial_background or NOT_SPECIFIED,
        "persona_communication_style": persona.communication_style or "conversational",
        "persona_emotional_baseline": persona.emotional_baseline or NOT_SPECIFIED,
        "persona_traits": ", ".join(persona.language_patterns),
        "persona_typical_questions": bullets(persona.typical_questions),
        "persona_common_concerns": bullets(persona.common_concerns),
        "persona_language_patterns": bullets(persona.language_patterns),
        **{name: persona.demographics.get(name.removeprefix("persona_"), "") for name in PERSONA_EXTRAS},
    }


def arc_variables(arc: EmotionalArc) -> dict[str, Any]:
    return {
        "emotional_arc_name": arc.name,
        "emotional_arc_type": arc.arc_key,
        "starting_emotion": arc.starting_emotion,
        "ending_emotion": arc.ending_emotion,
        "midpoint_emotion": "transitioning",
        "arc_strategy": arc.arc_strategy,
        "arc_key_principles": bullets(arc.key_principles),
        "arc_characteristic_phrases": bullets(arc.characteristic_phrases),
        "arc_response_techniques": bullets(arc.response_techniques),
        "arc_avoid_tactics": bullets(arc.avoid_tactics),
        "arc_phases": "",
        "starting_intensity_min": number(arc.starting_intensity_min),
        "starting_intensity_max": number(arc.starting_intensity_max),
        "ending_intensity_min": number(arc.ending_intensity_min),
        "ending_intensity_max": number(arc.ending_intensity_max),
        "typical_turn_count_min": arc.typical_turn_count_min,
        "typical_turn_count_max": arc.typical_turn_count_max,
    }


def topic_variables(topic: TrainingTopic) -> dict[str, Any]:
    return {
        "topic_name": topic.name,
        "topic_key": topic.topic_key,
        "topic_description": topic.description or NOT_SPECIFIED,
        "topic_category": topic.category or "general",
        "topic_complexity": topic.complexity_level,
        "topic_key_concepts": bullets(topic.key_concepts),
        "topic_example_questions": bullets(topic.typical_question_examples),
        "typical_questions": bullets(topic.typical_question_examples),
        **dict.fromkeys(TOPIC_EXTRAS, ""),
    }


def build_variables(
    expert: ExpertProfile,
    persona: Persona,
    arc: EmotionalArc,
    topic: TrainingTopic,
    *,
    tier: Tier,
    temperature: float | None = None,
    target_turns: int | None = None,
    chunk_context: str = "",
) -> dict[str, Any]:
    """Every template variable for one generation."""
    turns = target_turns or arc.target_turn_count
    return {
        **expert_variables(expert),
        **persona_variables(persona),
        **arc_variables(arc),
        **topic_variables(topic),
        "tier": tier,
        "target_turn_count": turns,
        "target_turns": turns,
        "temperature": number(temperature if temperature is not None else default_temperature(topic)),
        "chunk_context": chunk_context,
        "has_chunk_context": bool(chunk_context),
    }


def sample_variables() -> dict[str, Any]:
    """Every template variable with a short sample value: what a template is tried with when it is saved."""
    return build_variables(
        ExpertProfile(profile_key="sample", name="x"),
        Persona(persona_key="sample", name="x", archetype="x"),
        EmotionalArc(arc_key="sample", name="x", starting_emotion="x", ending_emotion="x"),
        TrainingTopic(topic_key="sample", name="x"),
        tier="template",
    )


#: The names a template may use; saving a template that uses another name is refused.
TEMPLATE_VARIABLES: frozenset[str] = frozenset(sample_variables())
