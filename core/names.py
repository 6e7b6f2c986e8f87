"""Display names for scaffolding keys and conversations: what people read instead of keys and UUIDs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from core.models.conversation import Conversation, ConversationHeading


class ScaffoldingRecords(Protocol):
    """What names need of the scaffolding service (``core.scaffolding``): the records of a kind."""

    def list(self, kind: Any) -> list[Any]: ...


def humanize(key: str | None) -> str:
    """A key nobody named (``recently_widowed``) in words (``Recently widowed``)."""
    if not key:
        return "—"
    return key.replace("_", " ").strip().capitalize()


@dataclass
class Names:
    """Names by key, including inactive (deleted) records, so old conversations keep their names."""

    personas: dict[str, str] = field(default_factory=dict)
    arcs: dict[str, str] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, scaffolding: ScaffoldingRecords) -> Names:
        return cls(
            personas={p.persona_key: p.name for p in scaffolding.list("personas")},
            arcs={a.arc_key: a.name for a in scaffolding.list("arcs")},
            topics={t.topic_key: t.name for t in scaffolding.list("topics")},
            templates={t.id: t.template_name for t in scaffolding.list("templates")},
        )

    def persona(self, key: str | None) -> str:
        return self.personas.get(key or "") or humanize(key)

    def arc(self, key: str | None) -> str:
        return self.arcs.get(key or "") or humanize(key)

    def topic(self, key: str | None) -> str:
        return self.topics.get(key or "") or humanize(key)

    def client(self, persona_key: str | None, conversation_name: str) -> str:
        """The client's name: the persona's name, else the stored name up to its " - archetype" part."""
        if persona_key and persona_key in self.personas:
            return self.personas[persona_key]
        return conversation_name.split(" - ")[0].strip() or conversation_name

    def title(self, conversation_name: str, persona_key: str | None, arc_key: str | None) -> str:
        """``"Tomás Ferreira · Confusion → Clarity"`` (the arc left out when there is none)."""
        parts = [self.client(persona_key, conversation_name), self.arc(arc_key) if arc_key else ""]
        return " · ".join(p for p in parts if p)

    def template(self, template_id: str | None) -> str:
        return self.templates.get(template_id or "") or "No template"

    def conversation(self, row: Conversation | ConversationHeading) -> str:
        """``Evelyn Park · Grieving → Healing · 529 plans``; the stored name when the keys are unknown."""
        params = row.input_parameters or {}
        persona = row.persona_key or params.get("persona_key")
        arc = row.emotional_arc_key or params.get("emotional_arc_key")
        topic = row.topic_key or params.get("training_topic_key")
        if not (persona or arc or topic):
            return row.conversation_name
        person = self.personas.get(persona or "") or row.conversation_name.split(" - ")[0]
        return " · ".join(
            part for part in (person, self.arc(arc) if arc else "", self.topic(topic) if topic else "") if part
        )
