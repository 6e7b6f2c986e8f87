"""How well a persona, an arc and a topic fit together (earlier-system.md §2.3).

Start at 1.0; each rule applies only when the list it checks is non-empty. The score never blocks
generation: it is shown, stored in the scaffolding snapshot, and explained by its warnings.
"""

from __future__ import annotations

from pydantic import BaseModel

from core.models.scaffolding import EmotionalArc, Persona, TrainingTopic

SUGGESTION = "Pick a client, emotional journey and topic that suit each other, or widen what each one suits."


class Compatibility(BaseModel):
    score: float
    is_compatible: bool
    warnings: list[str]
    suggestions: list[str]


def check_compatibility(
    persona: Persona | None, arc: EmotionalArc | None, topic: TrainingTopic | None
) -> Compatibility:
    if persona is None or arc is None or topic is None:
        missing = [n for n, v in (("client", persona), ("emotional journey", arc), ("topic", topic)) if v is None]
        return Compatibility(
            score=0.0, is_compatible=False, warnings=[f"Missing {', '.join(missing)}."], suggestions=[]
        )
    score = 1.0
    warnings: list[str] = []
    rules = [
        (
            arc.suitable_personas,
            persona.persona_key,
            0.20,
            f"The journey '{arc.name}' is not meant for the client '{persona.name}'.",
        ),
        (
            arc.suitable_topics,
            topic.topic_key,
            0.20,
            f"The journey '{arc.name}' is not meant for the topic '{topic.name}'.",
        ),
        (
            topic.suitable_personas,
            persona.persona_key,
            0.15,
            f"The topic '{topic.name}' is not meant for the client '{persona.name}'.",
        ),
        (
            topic.suitable_emotional_arcs,
            arc.arc_key,
            0.15,
            f"The topic '{topic.name}' is not meant for the journey '{arc.name}'.",
        ),
    ]
    for allowed, key, penalty, warning in rules:
        if allowed and key not in allowed:
            score -= penalty
            warnings.append(warning)
    score = round(max(0.0, score), 2)
    return Compatibility(
        score=score, is_compatible=score > 0.3, warnings=warnings, suggestions=[SUGGESTION] if warnings else []
    )
