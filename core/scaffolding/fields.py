"""How scaffolding fields are shown to a person: plain labels, help text, blank values, references, keys.

Pages build their forms from this (and from the pydantic models), so every field has words a
expert in any field understands, and a "New" form starts blank instead of showing internals.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from core.models.projects import ClientField, field_name

RefKind = Literal["personas", "arcs", "topics"]

#: Fields filled by the app, never typed by a person.
SYSTEM_FIELDS = frozenset(
    {
        "id",
        "project_id",
        "created_by",
        "created_at",
        "updated_at",
        "usage_count",
        "last_used_at",
        "is_active",
        "deleted_at",
    }
)
#: Fields that are long free text (a text area, not a one-line box).
LONG_TEXT = frozenset(
    {
        "template_text",
        "description",
        "structure",
        "financial_background",
        "financial_situation",
        "goals",
        "expertise",
        "arc_strategy",
        "business",
    }
)
#: Fields that hold keys of other scaffolding, and which kind (a list field holds several).
REFERENCES: dict[str, RefKind] = {
    "suitable_personas": "personas",
    "suitable_topics": "topics",
    "suitable_emotional_arcs": "arcs",
    "emotional_arc_type": "arcs",
}
KEY_FIELDS = frozenset({"profile_key", "persona_key", "arc_key", "topic_key"})

TIER_HELP = (
    "How typical the conversation is. Everyday: a common conversation that follows the emotional journey "
    "closely. Specific scenario: a particular situation from your field, with more detail. Edge case: an "
    "unusual or hard conversation (a crisis, a request you must refer elsewhere) that tests the limits."
)
TIER_LABELS = {"template": "Everyday", "scenario": "Specific scenario", "edge_case": "Edge case"}
COMPATIBILITY_HELP = (
    "How well the client, the emotional journey and the topic suit each other, from 0 (poor fit) to 1 "
    "(perfect fit). Each one can list the others it suits; every mismatch lowers the score. It never blocks "
    "generation: it only warns that the conversation may feel forced."
)
MAX_TOKENS_HELP = (
    "The longest answer Claude may write for one conversation, counted in tokens (a token is about three "
    "quarters of a word). A higher limit allows longer conversations but can cost more; you pay only for "
    "what is written."
)


@dataclass(frozen=True)
class FieldText:
    label: str
    help: str


_T = FieldText
#: Plain words for every field a person edits. Fields not listed fall back to their name in words.
FIELD_TEXT: dict[str, FieldText] = {
    "name": _T("Name", "The name people see everywhere in the app."),
    "profile_key": _T("Key", "A short code for this expert used inside files. Made from the name if left empty."),
    "persona_key": _T("Key", "A short code for this client type used inside files. Made from the name if left empty."),
    "arc_key": _T(
        "Key", "A short code for this emotional journey used inside files. Made from the name if left empty."
    ),
    "topic_key": _T("Key", "A short code for this topic used inside files. Made from the name if left empty."),
    "business": _T("Business", "Your practice or firm, as a client would hear it named."),
    "expertise": _T("Expertise", "What you know well, in a sentence or two."),
    "years_experience": _T("Years of experience", "How many years you have practised."),
    "vertical": _T("Field", "Your field of work, as a short code (for example career_coaching)."),
    "principles": _T("Principles", "The beliefs that guide your advice, one per line."),
    "tone": _T("Tone", "How you sound to a client (for example: warm, plain-spoken, patient)."),
    "techniques": _T("Techniques", "Things you do in a conversation that help, one per line."),
    "avoid": _T("Things to avoid", "Things you never say or do with a client, one per line."),
    "archetype": _T("Who they are", "A few words that sum up this client (for example: the mid-career switcher)."),
    "age_range": _T("Age range", "For example 35-45."),
    "occupation": _T("Occupation", "What this client does for a living."),
    "demographics": _T(
        "Custom fields",
        "Anything else your project tracks about a client (for example: career stage). The fields are the "
        "project's: add, rename or remove them under Custom fields on the Clients tab. Each one is also a "
        "placeholder for prompts ({{ client_career_stage }}).",
    ),
    "financial_background": _T("Background", "What brought them here: their history, in a few sentences."),
    "financial_situation": _T("Situation", "Where they stand today, in a few sentences."),
    "goals": _T("What they want", "What they hope to get from talking to you."),
    "communication_style": _T("How they talk", "For example: asks many questions, short sentences, apologetic."),
    "emotional_baseline": _T("Usual mood", "How they usually feel when they come to you."),
    "typical_questions": _T("Typical questions", "Questions this client often asks, one per line."),
    "common_concerns": _T("Worries", "What keeps them up at night, one per line."),
    "language_patterns": _T("Phrases they use", "Words or phrases this client tends to say, one per line."),
    "starting_emotion": _T(
        "Feeling at the start", "How the client feels when the conversation begins (for example: anxious)."
    ),
    "ending_emotion": _T("Feeling at the end", "How the client should feel when it ends (for example: confident)."),
    "starting_intensity_min": _T(
        "Start: lowest intensity", "How strong the starting feeling is at least, from 0 (barely) to 1 (overwhelming)."
    ),
    "starting_intensity_max": _T(
        "Start: highest intensity", "How strong the starting feeling is at most, from 0 to 1."
    ),
    "ending_intensity_min": _T("End: lowest intensity", "How strong the feeling at the end is at least, from 0 to 1."),
    "ending_intensity_max": _T("End: highest intensity", "How strong the feeling at the end is at most, from 0 to 1."),
    "arc_strategy": _T(
        "How you guide them", "In a few sentences, how you move the client from the first feeling to the last."
    ),
    "key_principles": _T("Key principles", "What matters most on this journey, one per line."),
    "characteristic_phrases": _T("Typical phrases", "Things you might say along the way, one per line."),
    "response_techniques": _T("Techniques", "How you respond at each step, one per line."),
    "avoid_tactics": _T("Things to avoid", "What would make it worse, one per line."),
    "typical_turn_count_min": _T(
        "Shortest conversation (turns)", "The fewest back-and-forth messages, counting both sides."
    ),
    "typical_turn_count_max": _T(
        "Longest conversation (turns)", "The most back-and-forth messages, counting both sides."
    ),
    "complexity_baseline": _T(
        "Difficulty", "How hard this journey is to handle well, from 1 (easy) to 10 (very hard)."
    ),
    "tier": _T("Kind of conversation", TIER_HELP),
    "conversation_category": _T("Kind of journey", "Core: an everyday journey. Edge: a hard or unusual one."),
    "suitable_personas": _T("Suitable clients", "The client types this suits. Leave empty if it suits every client."),
    "suitable_topics": _T("Suitable topics", "The topics this suits. Leave empty if it suits every topic."),
    "suitable_emotional_arcs": _T(
        "Suitable emotional journeys", "The journeys this suits. Leave empty if it suits every journey."
    ),
    "category": _T("Category", "A group name to keep things tidy (for example: job search)."),
    "description": _T("Description", "What this is about, in a sentence or two."),
    "complexity_level": _T("Level", "How much the client needs to know already to follow the conversation."),
    "typical_question_examples": _T("Example questions", "How a client might ask about this topic, one per line."),
    "key_concepts": _T("Key ideas", "The ideas a good answer should cover, one per line."),
    "requires_specialist": _T(
        "Needs a specialist", "Tick when a good answer refers the client to another professional."
    ),
    "template_name": _T("Name", "The name of this prompt; it must be unique."),
    "emotional_arc_type": _T("Emotional journey", "The emotional journey this prompt is written for."),
    "template_text": _T(
        "Prompt text",
        "What Claude is asked to write. Names in {{ double braces }} are filled in from the client, journey and topic.",
    ),
    "structure": _T("Structure", "Optional notes on how the conversation should unfold."),
    "methodology_principles": _T("Method", "Principles the prompt should follow, one per line."),
    "quality_threshold": _T(
        "Quality bar", "The lowest quality score (1 to 5) a conversation from this prompt should reach."
    ),
    "rating": _T("Your rating", "Optional: how good this prompt has proven, from 0 to 5."),
    "version": _T("Version", "Raise it when you change the prompt a lot, to tell the conversations apart."),
}


def field_text(name: str) -> FieldText:
    return FIELD_TEXT.get(name) or FieldText(name.replace("_", " ").capitalize(), "")


def blank_value(field: FieldInfo) -> Any:
    """What a "New" form shows for ``field``: its default, or nothing when it has none (never a sentinel)."""
    if field.is_required():
        return None
    return field.get_default(call_default_factory=True)


#: The general client fields' placeholders and what each holds (every project's clients have these).
GENERAL_CLIENT_PLACEHOLDERS: dict[str, str] = {
    "client_name": "The client's name",
    "client_who_they_are": "Who they are, in a few words",
    "client_age": "Their age range",
    "client_occupation": "What they do for a living",
    "client_situation": "Their situation today",
    "client_background": "Their background",
    "client_goals": "What they want",
    "client_how_they_talk": "How they talk",
    "client_usual_mood": "How they usually feel",
    "client_typical_questions": "Questions they often ask (a list)",
    "client_worries": "What worries them (a list)",
    "client_phrases": "Phrases they use (a list)",
    "client_custom_fields": "All their custom fields, on one line",
}


def custom_values(values: dict[str, str], fields: Iterable[ClientField]) -> dict[str, str]:
    """A client's value of each declared field, by field name (a value stored under a name written another
    way, such as ``"career stage"`` for ``career_stage``, counts too); fields it has no value for are left out."""
    by_name = {field_name(k): v for k, v in values.items() if v}
    by_name.update({k: v for k, v in values.items() if v})
    return {f.name: by_name[f.name] for f in fields if by_name.get(f.name)}


#: Fields kept only to read old files (their values move into the custom fields); never on a form.
RETIRED_FIELDS = frozenset({"income_range"})


def editable_fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return {name: f for name, f in model.model_fields.items() if name not in SYSTEM_FIELDS | RETIRED_FIELDS}


def derive_key(name: str, taken: Iterable[str] = ()) -> str:
    """A snake_case key from a display name ("Evelyn Park (widow)" -> "evelyn_park_widow"), unique in ``taken``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:60].strip("_")
    if not key:
        key = "item"
    if not key[0].isalpha():
        key = f"k_{key}"
    if len(key) < 2:
        key = f"{key}_1"
    used = set(taken)
    candidate, n = key, 2
    while candidate in used:
        candidate, n = f"{key}_{n}", n + 1
    return candidate
