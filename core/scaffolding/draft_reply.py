"""What Claude answers when asked for a starter set, and how that answer becomes clients, emotional journeys and
topics (the scaffolding models), item by item.

The request asks for one JSON object (a structured-output schema derived from ``DraftReply``). The reader is
forgiving, because a person paid for the answer: text around the object is ignored, an item that cannot be
used is skipped (and counted) while the others are kept, and an answer cut off midway (``max_tokens``) or
broken after some items still gives every item that was complete.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict

from core.models.scaffolding import EmotionalArc, Persona, TrainingTopic
from core.scaffolding.fields import derive_key

LEVELS = ("beginner", "intermediate", "advanced")


class DraftClient(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    who_they_are: str
    situation: str
    background: str
    goals: str
    how_they_talk: str
    typical_questions: list[str]


class DraftJourney(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    starting_emotion: str
    ending_emotion: str
    how_to_guide: str
    key_principles: list[str]


class DraftTopic(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    category: str
    description: str
    level: str
    example_questions: list[str]
    key_ideas: list[str]


class DraftReply(BaseModel):
    """The answer asked for (its JSON schema is the request's structured-output format)."""

    model_config = ConfigDict(extra="forbid")

    clients: list[DraftClient]
    journeys: list[DraftJourney]
    topics: list[DraftTopic]


class StarterSet(BaseModel):
    """Proposed clients, emotional journeys and topics (nothing saved), and what asking cost."""

    clients: list[Persona] = []
    journeys: list[EmotionalArc] = []
    topics: list[TrainingTopic] = []
    #: Items in the answer that could not be used (a name or a feeling missing, a wrong shape).
    skipped: int = 0
    #: The answer was cut off before it ended: the items here are those that were complete.
    cut_off: bool = False
    cost_usd: float = 0.0
    model: str = ""

    @property
    def count(self) -> int:
        return len(self.clients) + len(self.journeys) + len(self.topics)


_ARRAY = re.compile(r'"(clients|journeys|topics)"\s*:\s*\[')
_DECODER = json.JSONDecoder()


def _items(text: str) -> dict[str, list[Any]]:
    """The three lists of the answer: from the whole object when it parses, else every complete item of each
    list (an answer cut off midway, or broken after its good part)."""
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        try:
            whole = json.loads(text[start : end + 1])
        except ValueError:
            whole = None
        if isinstance(whole, dict):
            return {name: list(whole.get(name) or []) for name in ("clients", "journeys", "topics")}
    found: dict[str, list[Any]] = {"clients": [], "journeys": [], "topics": []}
    for match in _ARRAY.finditer(text):
        found[match.group(1)] = list(_complete_objects(text, match.end()))
    return found


def _complete_objects(text: str, pos: int) -> Iterable[Any]:
    """The objects of a JSON array starting at ``pos``, up to the first one that is not complete."""
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] != "{":
            return
        try:
            item, pos = _DECODER.raw_decode(text, pos)
        except ValueError:
            return
        yield item


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _lines(item: dict[str, Any], name: str) -> list[str]:
    value = item.get(name)
    if isinstance(value, str):
        value = [value]
    return [" ".join(str(v).split()) for v in value or [] if str(v).strip()] if isinstance(value, list) else []


def _client(item: dict[str, Any], key: str) -> Persona:
    name = _text(item, "name")
    return Persona(
        persona_key=key,
        name=name,
        archetype=_text(item, "who_they_are") or name,
        financial_situation=_text(item, "situation") or None,
        financial_background=_text(item, "background") or None,
        goals=_text(item, "goals") or None,
        communication_style=_text(item, "how_they_talk") or None,
        typical_questions=_lines(item, "typical_questions"),
    )


def _journey(item: dict[str, Any], key: str) -> EmotionalArc:
    return EmotionalArc(
        arc_key=key,
        name=_text(item, "name"),
        starting_emotion=_text(item, "starting_emotion")[:100],
        ending_emotion=_text(item, "ending_emotion")[:100],
        arc_strategy=_text(item, "how_to_guide"),
        key_principles=_lines(item, "key_principles"),
    )


def _topic(item: dict[str, Any], key: str) -> TrainingTopic:
    level = _text(item, "level").lower()
    return TrainingTopic(
        topic_key=key,
        name=_text(item, "name"),
        category=_text(item, "category") or "general",
        description=_text(item, "description"),
        complexity_level=level if level in LEVELS else "intermediate",  # type: ignore[arg-type]
        typical_question_examples=_lines(item, "example_questions"),
        key_concepts=_lines(item, "key_ideas"),
    )


BUILDERS: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "clients": _client,
    "journeys": _journey,
    "topics": _topic,
}


def read_starter_set(text: str, taken: dict[str, set[str]]) -> StarterSet:
    """The usable items of an answer. ``taken``: the keys each kind already uses in the project (a proposal's
    key never repeats one). An item without a name (or a journey without its feelings) is skipped and counted."""
    found: dict[str, list[Any]] = {}
    skipped = 0
    for kind, items in _items(text).items():
        used = set(taken.get(kind, set()))
        kept = []
        for item in items:
            if not isinstance(item, dict) or not _text(item, "name"):
                skipped += 1
                continue
            key = derive_key(_text(item, "name"), used)
            try:
                record = BUILDERS[kind](item, key)
            except pydantic.ValidationError:
                skipped += 1
                continue
            used.add(key)
            kept.append(record)
        found[kind] = kept
    return StarterSet(clients=found["clients"], journeys=found["journeys"], topics=found["topics"], skipped=skipped)
