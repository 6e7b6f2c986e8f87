"""Per-conversation fields of a v4 training file: scaffolding keys and names, and the quality tier.

Shared by the v4 writer and the Hugging Face card. An imported training file's own statements win
(``imported_from`` in the enriched file keeps what it said: ``persona_name``, unknown keys).
"""

from __future__ import annotations

from typing import Any

from core.models.conversation import Conversation
from core.models.statuses import Tier, quality_tier

TIER_FROM_PAIRS_DEFAULT = Tier.EXPERIMENTAL


def _first(*values: Any) -> str:
    return next((str(v) for v in values if v), "")


def kept_from_import(enriched: dict[str, Any]) -> dict[str, Any]:
    """What an imported training file said about a conversation (``imported_from`` in its enriched file)."""
    kept = enriched.get("imported_from")
    return kept if isinstance(kept, dict) else {}


def scaffolding_of(
    row: Conversation, pairs: list[dict[str, Any]], kept: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the imported file said, where it said it; else keys from the row columns, the scaffolding
    snapshot, the input parameters, and names from the snapshot, else the input parameters, else the first pair.
    """
    computed = _computed_scaffolding(row, pairs)
    original = kept if isinstance(kept, dict) else {}
    merged: dict[str, Any] = {k: original.get(k) or v for k, v in computed.items()}
    return merged | {k: v for k, v in original.items() if k not in merged}


def _computed_scaffolding(row: Conversation, pairs: list[dict[str, Any]]) -> dict[str, str]:
    snap = row.scaffolding_snapshot or {}
    persona, arc, topic = (snap.get(k) or {} for k in ("persona", "emotional_arc", "training_topic"))
    params = row.input_parameters or {}
    meta = (pairs[0].get("conversation_metadata") or {}) if pairs else {}
    return {
        "persona_key": _first(row.persona_key, persona.get("persona_key"), params.get("persona_key")),
        "persona_name": _first(persona.get("name"), params.get("persona_name"), meta.get("client_persona")),
        "emotional_arc_key": _first(row.emotional_arc_key, arc.get("arc_key"), params.get("emotional_arc_key")),
        "emotional_arc": _first(arc.get("name"), params.get("emotional_arc_name"), meta.get("emotional_arc")),
        "training_topic_key": _first(row.topic_key, topic.get("topic_key"), params.get("training_topic_key")),
        "training_topic": _first(topic.get("name"), params.get("training_topic_name"), meta.get("training_topic")),
    }


def tier_of(row: Conversation, pairs: list[dict[str, Any]]) -> str:
    """Measured score first; else the tier an imported file gave; else the earlier rule on pair scores."""
    if row.quality_score is not None:
        return quality_tier(row.quality_score)
    imported = (row.quality_details or {}).get("imported_quality_tier")
    if imported:
        return str(imported)
    scores = [
        float(s) for p in pairs if isinstance(s := (p.get("training_metadata") or {}).get("quality_score"), int | float)
    ]
    average = sum(scores) / len(scores) if scores else 0
    return quality_tier(average) if average else TIER_FROM_PAIRS_DEFAULT
