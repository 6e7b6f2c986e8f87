"""What answers a client's turn: a ``Responder`` (the base model, the tuned model, a hosted model).

Local models (transformers + PEFT, ``core.evaluation.local``) and hosted ones (``core.evaluation.hosted``)
implement the same protocol, so the scorecard, Try it and the A/B queue never know which runs where.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, Field

Chat = list[dict[str, Any]]


class GenerationSettings(BaseModel):
    """How an answer is generated (the Advanced section of Try it)."""

    max_new_tokens: int = Field(default=200, ge=1, le=4096)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)  # 0: greedy, the same answer every time


class Responder(Protocol):
    """Answers the last client turn of ``messages`` (chat messages: system?, user, assistant, ..., user)."""

    label: str

    def reply(self, messages: Chat, settings: GenerationSettings) -> str: ...


@dataclass
class Turn:
    """One client turn of a held-out conversation: the conversation so far (ending with the client's message)
    and the reference answer the data holds, if any."""

    conversation_id: str
    turn_number: int
    context: Chat
    reference: str | None


def client_turns(conversation_id: str, messages: Chat) -> list[Turn]:
    """Every client turn of a conversation, each with the conversation before it as context."""
    turns: list[Turn] = []
    number = 0
    for i, message in enumerate(messages):
        if message.get("role") == "system":
            continue
        number += 1
        if message.get("role") != "user":
            continue
        following = messages[i + 1] if i + 1 < len(messages) else None
        reference = str(following["content"]) if following and following.get("role") == "assistant" else None
        turns.append(Turn(conversation_id, number, [dict(m) for m in messages[: i + 1]], reference))
    return turns
