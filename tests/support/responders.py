"""Stand-ins for a model behind the ``Responder`` protocol (the local and hosted models are tested on
their own): each answers from a function of the conversation so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.evaluation.responder import Chat, GenerationSettings


@dataclass
class CannedResponder:
    label: str
    answer: Callable[[Chat], str]
    asked: list[Chat] = field(default_factory=list)

    def reply(self, messages: Chat, settings: GenerationSettings) -> str:
        self.asked.append(messages)
        return self.answer(messages)


def short(label: str = "base") -> CannedResponder:
    return CannedResponder(label, lambda messages: "Okay.")


def long(label: str = "tuned") -> CannedResponder:
    return CannedResponder(
        label, lambda messages: f"That sounds stressful; let us take it one step at a time ({len(messages)})."
    )
