"""Where an imported conversation came from, in this project's scaffolding."""

from __future__ import annotations

from typing import Any

from core.conversations.store import Provenance
from core.importer.formats import PARAM_TEXT
from core.models.scaffolding import TIERS
from core.scaffolding.service import ScaffoldingService


def provenance_of(
    scaffolding: ScaffoldingService, params: dict[str, Any], snapshot: dict[str, Any] | None = None
) -> Provenance:
    """What an imported conversation's parameters name in this project's scaffolding (its client, emotional
    journey, topic and expert); names and keys the scaffolding does not know are kept as they came."""
    db = scaffolding.rows
    persona = db.personas.find_by(persona_key=params.get("persona_key")) if params.get("persona_key") else None
    arc = db.arcs.find_by(arc_key=params.get("emotional_arc_key")) if params.get("emotional_arc_key") else None
    topic = db.topics.find_by(topic_key=params.get("training_topic_key")) if params.get("training_topic_key") else None
    tier = params.get("tier") if params.get("tier") in TIERS else (arc.tier if arc else "template")
    extra = {k: v for k, v in params.items() if k not in PARAM_TEXT}
    # Keep names and keys the file carried even when our scaffolding does not know them.
    for key in (
        "persona_key",
        "persona_name",
        "emotional_arc_key",
        "emotional_arc_name",
        "training_topic_key",
        "training_topic_name",
    ):
        entity = {"persona": persona, "emotional_arc": arc, "training_topic": topic}[key.rsplit("_", 1)[0]]
        if entity is None and params.get(key):
            extra[key] = params[key]
    return Provenance(
        persona=persona,
        arc=arc,
        topic=topic,
        expert=scaffolding.active_expert(),
        tier=tier if isinstance(tier, str) and tier in TIERS else "template",  # type: ignore[arg-type]
        snapshot=snapshot,
        extra_parameters=extra,
    )
