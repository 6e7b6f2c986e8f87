"""Stage 3, enrich: build the enriched conversation (earlier-system.md §5.4–5.5) from a validated one.

Input: the validated raw JSON and an ``EnrichmentContext`` (everything read from storage). Output: the
enriched dict, keys in the reference file's order. A pure function: the same input gives the same
output, byte for byte once serialised — no clock, no random numbers.

Fixes over the earlier system:

* pair ``id`` is ``{conversation_id}_turn{position}`` (unique across files) and ``conversation_id`` is the
  real id;
* ``system_prompt`` is the one the conversation was generated with (``scaffolding_snapshot.system_prompt``).
  Imported conversations have no snapshot: they get the **default system prompt**, rendered from the
  stored expert profile with ``templates/enrichment/default_system_prompt.md.j2`` (who the expert is,
  their numbered principles, the validate-feelings-first guidance, tone, techniques and avoid list);
* ``consultant_profile``, ``vertical`` and ``consultant_persona`` come from the expert profile in storage;
* ``quality_score`` / ``quality_criteria`` are the measured scores (rules, and the judge when it ran);
  criteria nobody measured are ``null``, never invented;
* ``emotional_progression_target`` uses the arc's planned intensities, not a constant 0.8;
* ``primary_confidence`` / ``secondary_confidence`` are ``null``: the emotions are the writer's own labels
  and nothing measured a confidence (the earlier system wrote a fixed 0.8 / 0.7). ``human_reviewed`` is
  false here and set per pair at export from the conversation's review, as the file header counts it.

Kept for format compatibility: ``dataset_name`` = ``fp_conversation_{id}`` in the first project, else
``{project slug}_conversation_{id}`` (importers look for the id there), ``persona_archetype`` holds the persona key; the confidence keys stay, with ``null``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core import prompts
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic

DEFAULT_SYSTEM_PROMPT_TEMPLATE = "enrichment/default_system_prompt.md.j2"
DATASET_VERSION = "1.0.0"
TARGET_USE = "LoRA fine-tuning for emotionally intelligent chatbot"
DEFAULT_OUTCOME = "Provide emotionally intelligent support that leaves the client with a clear next step"
DEFAULT_OBJECTIVE = "emotionally_intelligent_guidance"
DEFAULT_SKILLS = ("empathy", "active_listening")
CRITERIA = ("empathy_score", "clarity_score", "appropriateness_score", "brand_voice_alignment")
POSITIVE = (
    "hope",
    "relief",
    "excitement",
    "joy",
    "confidence",
    "gratitude",
    "pride",
    "determination",
    "calm",
    "optimism",
)
NEGATIVE = (
    "shame",
    "fear",
    "anxiety",
    "guilt",
    "anger",
    "frustration",
    "overwhelm",
    "sadness",
    "embarrassment",
    "worry",
    "stress",
)


def default_system_prompt(expert: ExpertProfile) -> str:
    """The system prompt for conversations without a generation snapshot (imported ones)."""
    return prompts.render_builtin(DEFAULT_SYSTEM_PROMPT_TEMPLATE, {"expert": expert}).strip()


@dataclass(frozen=True)
class EnrichmentContext:
    """What enrichment reads from storage for one conversation."""

    conversation_id: str
    created_at: datetime
    expert: ExpertProfile
    system_prompt: str
    quality_score: float
    quality_tier: str
    quality_criteria: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(CRITERIA))
    conversation_source: str = "synthetic_platform_generated"
    input_parameters: dict[str, Any] | None = None
    persona: Persona | None = None
    arc: EmotionalArc | None = None
    topic: TrainingTopic | None = None
    template: PromptTemplate | None = None
    #: Names the conversation in ``dataset_name`` (``{prefix}_conversation_{id}``): the project's slug.
    name_prefix: str = "fp"


def valence(emotion: str) -> str:
    text = emotion.lower()
    if any(word in text for word in POSITIVE):
        return "positive"
    if any(word in text for word in NEGATIVE):
        return "negative"
    return "mixed"


def client_background(persona: Persona | None, client_persona: str) -> str:
    if persona is None:
        return f"Client profile: {client_persona}"
    demo = persona.demographics
    parts = []
    if demo:
        age = f"Age {demo['age']}" if demo.get("age") else ""
        parts.append(
            ", ".join(p for p in (age, demo.get("gender"), demo.get("location"), demo.get("family_status")) if p)
        )
    if persona.financial_background:
        parts.append(persona.financial_background)
    return "; ".join(p for p in parts if p) or f"Client profile: {client_persona}"


def progression_target(arc: EmotionalArc | None) -> str:
    if arc is None:
        return ""
    start = round((arc.starting_intensity_min + arc.starting_intensity_max) / 2, 2)
    end = round((arc.ending_intensity_min + arc.ending_intensity_max) / 2, 2)
    return f"{arc.starting_emotion}({start}) → {arc.ending_emotion}({end})"


def _emotional_state(context: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {"primary": context["primary_emotion"]}
    if context.get("secondary_emotion"):
        state["secondary"] = context["secondary_emotion"]
    state["intensity"] = context["intensity"]
    return state


def _detected(context: dict[str, Any]) -> dict[str, Any]:
    # The emotions are the writer's own labels, not a detector's: no confidence was measured, so none is claimed.
    found: dict[str, Any] = {"primary": context["primary_emotion"], "primary_confidence": None}
    if context.get("secondary_emotion"):
        found |= {"secondary": context["secondary_emotion"], "secondary_confidence": None}
    return found | {"intensity": context["intensity"], "valence": valence(str(context["primary_emotion"]))}


def pair_metadata(raw_meta: dict[str, Any], ctx: EnrichmentContext) -> dict[str, Any]:
    params = ctx.input_parameters or {}
    client = f"{ctx.persona.name} - {ctx.persona.archetype}" if ctx.persona else str(raw_meta["client_persona"])
    return {
        "client_persona": client,
        "client_background": client_background(ctx.persona, client),
        "session_context": raw_meta["session_context"],
        "conversation_phase": raw_meta["conversation_phase"],
        "expected_outcome": raw_meta.get("expected_outcome") or DEFAULT_OUTCOME,
        "persona_archetype": params.get("persona_key") or (ctx.persona.persona_key if ctx.persona else ""),
        "emotional_arc": params.get("emotional_arc_name") or (ctx.arc.name if ctx.arc else ""),
        "emotional_arc_key": params.get("emotional_arc_key") or (ctx.arc.arc_key if ctx.arc else ""),
        "training_topic": params.get("training_topic_name") or (ctx.topic.name if ctx.topic else ""),
        "training_topic_key": params.get("training_topic_key") or (ctx.topic.topic_key if ctx.topic else ""),
    }


def training_metadata(turn_number: int, ctx: EnrichmentContext) -> dict[str, Any]:
    params = ctx.input_parameters or {}
    skills = list(DEFAULT_SKILLS) + ([ctx.arc.arc_strategy] if ctx.arc and ctx.arc.arc_strategy else [])
    return {
        "difficulty_level": f"{ctx.topic.complexity_level if ctx.topic else 'intermediate'}_conversation_turn_{turn_number}",
        "key_learning_objective": params.get("training_topic_key")
        or (ctx.topic.name if ctx.topic else DEFAULT_OBJECTIVE),
        "demonstrates_skills": skills,
        "conversation_turn": turn_number,
        "emotional_progression_target": progression_target(ctx.arc),
        "quality_score": ctx.quality_score,
        "quality_criteria": {name: ctx.quality_criteria.get(name) for name in CRITERIA},
        "human_reviewed": False,
        "reviewer_notes": None,
        "use_as_seed_example": False,
        "generate_variations_count": 0,
    }


def training_pairs(raw: dict[str, Any], ctx: EnrichmentContext) -> list[dict[str, Any]]:
    """One pair per turn (user pairs have ``target_response: null``), history = all earlier turns."""
    meta = pair_metadata(raw["conversation_metadata"], ctx)
    pairs: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    last_user_input = ""
    for position, turn in enumerate(raw["turns"], start=1):
        number = turn["turn_number"]
        is_user = turn["role"] == "user"
        if is_user:
            last_user_input = turn["content"]
        pairs.append(
            {
                "id": f"{ctx.conversation_id}_turn{position}",
                "conversation_id": ctx.conversation_id,
                "turn_number": number,
                "conversation_metadata": dict(meta),
                "system_prompt": ctx.system_prompt,
                "conversation_history": list(history),
                "current_user_input": last_user_input,
                "emotional_context": {"detected_emotions": _detected(turn["emotional_context"])},
                "target_response": None if is_user else turn["content"],
                "training_metadata": training_metadata(number, ctx),
            }
        )
        history.append(
            {
                "turn": number,
                "role": turn["role"],
                "content": turn["content"],
                "emotional_state": _emotional_state(turn["emotional_context"]),
            }
        )
    return pairs


def dataset_metadata(raw: dict[str, Any], ctx: EnrichmentContext) -> dict[str, Any]:
    template = ctx.template.template_name if ctx.template else "unknown"
    return {
        "dataset_name": f"{ctx.name_prefix}_conversation_{ctx.conversation_id}",
        "version": DATASET_VERSION,
        "created_date": ctx.created_at.date().isoformat(),
        "vertical": ctx.expert.vertical,
        "consultant_persona": f"{ctx.expert.name} - {ctx.expert.business}" if ctx.expert.business else ctx.expert.name,
        "target_use": TARGET_USE,
        "conversation_source": ctx.conversation_source,
        "quality_tier": ctx.quality_tier,
        "total_conversations": 1,
        "total_turns": len(raw["turns"]),
        "notes": f"Generated via template: {template}",
    }


def build_enriched(raw: dict[str, Any], ctx: EnrichmentContext) -> dict[str, Any]:
    """The enriched conversation for a raw one that passed validation."""
    enriched: dict[str, Any] = {
        "dataset_metadata": dataset_metadata(raw, ctx),
        "consultant_profile": ctx.expert.consultant_profile(),
        "training_pairs": training_pairs(raw, ctx),
    }
    if ctx.input_parameters:
        enriched["input_parameters"] = dict(ctx.input_parameters)
    return enriched
