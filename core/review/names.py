"""Review's view of ``core.names``: a conversation is "Tomás Ferreira · Confusion → Clarity", never its keys.

``load_names`` reads the names straight from the tables the reviewer can see (three small reads). A key with
no scaffolding row left is shown in words ("Fear to calm").
"""

from __future__ import annotations

from core.names import Names
from core.storage.database import Database


def words(key: str | None) -> str:
    """``"fear_to_calm"`` -> ``"Fear to calm"``; ``None`` -> ``""``."""
    return key.replace("_", " ").strip().capitalize() if key else ""


def load_names(db: Database) -> Names:
    """Every persona, arc and topic name by key (three small reads)."""
    return Names(
        personas={p.persona_key: p.name for p in db.personas.list()},
        arcs={a.arc_key: a.name for a in db.arcs.list()},
        topics={t.topic_key: t.name for t in db.topics.list()},
    )


__all__ = ["Names", "load_names", "words"]
