"""Display names for keys: a conversation is "Tomás Ferreira · Confusion → Clarity", never its keys.

Keys (``overwhelmed_avoider``, ``confusion_to_clarity``) are how rows refer to scaffolding; people see
the names the expert gave. A key with no scaffolding row left is shown in words ("Fear to calm").
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.storage.database import Database


def words(key: str | None) -> str:
    """``"fear_to_calm"`` -> ``"Fear to calm"``; ``None`` -> ``""``."""
    return key.replace("_", " ").strip().capitalize() if key else ""


class Names(BaseModel):
    personas: dict[str, str] = Field(default_factory=dict)
    arcs: dict[str, str] = Field(default_factory=dict)
    topics: dict[str, str] = Field(default_factory=dict)

    def persona(self, key: str | None) -> str:
        return self.personas.get(key or "", "") or words(key)

    def arc(self, key: str | None) -> str:
        return self.arcs.get(key or "", "") or words(key)

    def topic(self, key: str | None) -> str:
        return self.topics.get(key or "", "") or words(key)

    def client(self, persona_key: str | None, conversation_name: str) -> str:
        """The client's name: the persona's name, else the stored name up to its " - archetype" part."""
        if persona_key and persona_key in self.personas:
            return self.personas[persona_key]
        return conversation_name.split(" - ")[0].strip() or conversation_name

    def title(self, conversation_name: str, persona_key: str | None, arc_key: str | None) -> str:
        """``"Tomás Ferreira · Confusion → Clarity"`` (the arc left out when there is none)."""
        parts = [self.client(persona_key, conversation_name), self.arc(arc_key)]
        return " · ".join(p for p in parts if p)


def load_names(db: Database) -> Names:
    """Every persona, arc and topic name by key (three small reads)."""
    return Names(
        personas={p.persona_key: p.name for p in db.personas.list()},
        arcs={a.arc_key: a.name for a in db.arcs.list()},
        topics={t.topic_key: t.name for t in db.topics.list()},
    )
