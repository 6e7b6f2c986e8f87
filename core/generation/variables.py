"""The variables (placeholders) a generation template can use. All of them always resolve.

The ones offered to a person (``placeholders``) follow the fields of the expert, the client, the emotional
journey and the topic: ``client_*`` for the client's general fields, plus ``client_<name>`` for each custom
field a project gives its clients. Every key the earlier system produced or its templates asked for
(earlier-system.md §2.5–2.6, ``persona_*``…) still resolves, so old templates keep working; they are not
offered. Lists render as ``- item`` lines; numbers as plain strings; a missing optional text as "Not specified".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.models.projects import ClientField, field_name
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, Tier, TrainingTopic
from core.scaffolding.fields import GENERAL_CLIENT_PLACEHOLDERS, custom_values

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


#: The general client fields' placeholders and what each holds (custom fields are added per project).
CLIENT_PLACEHOLDERS: dict[str, str] = GENERAL_CLIENT_PLACEHOLDERS


#: A custom field's placeholder prefix: ``client_<name>`` (name in snake case).
CUSTOM_PREFIX = "client_"


def custom_placeholder(name: str) -> str:
    """``"Career stage"`` -> ``"client_career_stage"``."""
    return CUSTOM_PREFIX + field_name(name)


def is_custom_placeholder(name: str) -> bool:
    """A ``client_*`` name that is not a general client field: a custom field (blank when a client lacks it)."""
    return name.startswith(CUSTOM_PREFIX) and name not in CLIENT_PLACEHOLDERS


def client_variables(persona: Persona, fields: Sequence[ClientField] | None = None) -> dict[str, Any]:
    """The client's general fields and its custom fields, by their offered names: one per field the project
    declares (``fields``; "Not specified" when this client has no value), or, without ``fields``, one per
    custom value the client holds."""
    if fields is None:
        values = {k: v for k, v in persona.demographics.items() if v}
        custom = {custom_placeholder(k): v or NOT_SPECIFIED for k, v in persona.demographics.items()}
        details = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in values.items())
    else:
        found = custom_values(persona.demographics, fields)
        custom = {CUSTOM_PREFIX + f.name: found.get(f.name) or NOT_SPECIFIED for f in fields}
        details = "; ".join(f"{f.label}: {found[f.name]}" for f in fields if found.get(f.name))
    general = {
        "client_name": persona.name,
        "client_who_they_are": persona.archetype,
        "client_age": persona.age_range or NOT_SPECIFIED,
        "client_occupation": persona.occupation or NOT_SPECIFIED,
        "client_situation": persona.financial_situation or NOT_SPECIFIED,
        "client_background": persona.financial_background or NOT_SPECIFIED,
        "client_goals": persona.goals or NOT_SPECIFIED,
        "client_how_they_talk": persona.communication_style or "conversational",
        "client_usual_mood": persona.emotional_baseline or NOT_SPECIFIED,
        "client_typical_questions": bullets(persona.typical_questions),
        "client_worries": bullets(persona.common_concerns),
        "client_phrases": bullets(persona.language_patterns),
        "client_custom_fields": details or NOT_SPECIFIED,
    }
    return {**custom, **general}


def persona_variables(persona: Persona, fields: Sequence[ClientField] | None = None) -> dict[str, Any]:
    demographics = ", ".join(f"{k}: {v}" for k, v in persona.demographics.items() if v)
    return {
        **client_variables(persona, fields),
        "persona_name": persona.name,
        "persona_key": persona.persona_key,
        "persona_type": persona.persona_key,
        "persona_archetype": persona.archetype,
        "persona_age": persona.age_range or NOT_SPECIFIED,
        "persona_career": persona.occupation or NOT_SPECIFIED,
        "persona_income": persona.demographics.get("income_range") or NOT_SPECIFIED,
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
    client_fields: Sequence[ClientField] | None = None,
) -> dict[str, Any]:
    """Every template variable for one generation (``client_fields``: the project's custom client fields)."""
    turns = target_turns or arc.target_turn_count
    return {
        **expert_variables(expert),
        **persona_variables(persona, client_fields),
        **arc_variables(arc),
        **topic_variables(topic),
        "tier": tier,
        "target_turn_count": turns,
        "target_turns": turns,
        "temperature": number(temperature if temperature is not None else default_temperature(topic)),
        "chunk_context": chunk_context,
        "has_chunk_context": bool(chunk_context),
    }


def fill_custom(variables: Mapping[str, Any], used: Iterable[str]) -> dict[str, Any]:
    """``variables`` with every custom-field placeholder in ``used`` that this client lacks as "Not specified"."""
    filled = dict(variables)
    for name in used:
        if name not in filled and is_custom_placeholder(name):
            filled[name] = NOT_SPECIFIED
    return filled


@dataclass(frozen=True)
class Placeholder:
    name: str
    meaning: str
    group: str


OFFERED: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Expert",
        {
            "expert_name": "The expert's name",
            "expert_business": "The expert's practice or firm",
            "expert_expertise": "What the expert knows well",
            "expert_years_experience": "Years of experience",
            "expert_principles": "The expert's principles (a list)",
            "expert_tone": "How the expert sounds",
            "expert_techniques": "The expert's techniques (a list)",
            "expert_avoid": "What the expert never does (a list)",
        },
    ),
    ("Client", CLIENT_PLACEHOLDERS),
    (
        "Emotional journey",
        {
            "emotional_arc_name": "The journey's name",
            "starting_emotion": "The feeling at the start",
            "ending_emotion": "The feeling at the end",
            "arc_strategy": "How the expert guides the client",
            "arc_key_principles": "What matters most on this journey (a list)",
            "arc_characteristic_phrases": "Typical phrases (a list)",
            "arc_response_techniques": "Techniques (a list)",
            "arc_avoid_tactics": "What would make it worse (a list)",
            "starting_intensity_min": "Start: lowest intensity (0 to 1)",
            "starting_intensity_max": "Start: highest intensity (0 to 1)",
            "ending_intensity_min": "End: lowest intensity (0 to 1)",
            "ending_intensity_max": "End: highest intensity (0 to 1)",
        },
    ),
    (
        "Topic",
        {
            "topic_name": "The topic's name",
            "topic_description": "What the topic is about",
            "topic_category": "The topic's category",
            "topic_complexity": "Its level (beginner, intermediate, advanced)",
            "topic_key_concepts": "Ideas a good answer covers (a list)",
            "topic_example_questions": "How a client might ask (a list)",
        },
    ),
    ("Conversation", {"target_turn_count": "How many turns the conversation should have"}),
)


def placeholders(custom_fields: Iterable[ClientField] = ()) -> list[Placeholder]:
    """Every placeholder a person is offered: the general ones, then one per custom field the project
    declares for its clients (``client_<name>``, meaning its label)."""
    offered = [Placeholder(name, meaning, group) for group, names in OFFERED for name, meaning in names.items()]
    taken = {p.name for p in offered}
    for field in custom_fields:
        name = CUSTOM_PREFIX + field.name
        if name not in taken:
            taken.add(name)
            offered.append(Placeholder(name, f"Custom field: {field.label}", "Client"))
    return offered


def undeclared_custom(used: Iterable[str], fields: Sequence[ClientField]) -> list[str]:
    """The custom-field placeholders in ``used`` that the project's clients have no field for, sorted."""
    declared = {CUSTOM_PREFIX + f.name for f in fields}
    return sorted(
        n for n in set(used) if is_custom_placeholder(n) and n not in TEMPLATE_VARIABLES and n not in declared
    )


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
