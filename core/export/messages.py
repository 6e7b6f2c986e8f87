"""Training pairs -> chat messages, with every message exactly once.

The earlier system's conversion (earlier-system.md §6.7) appended ``current_user_input`` after a
``conversation_history`` that already ended with that same user turn, so the last user message appeared
twice. Here the conversation is rebuilt from the pairs as turns (a user pair gives its
``current_user_input``, an assistant pair its ``target_response``), and examples are cut from that one
list: nothing is ever copied twice.

Per-turn review ratings become loss weights through ``loss_weights``; the review feature will supply
them through a ``RatingsHook`` (``conversation_id -> {turn_number: rating}``), none until it exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]
Rating = Literal["good", "needs_work", "bad"]
RatingsHook = Callable[[str], Mapping[int, str]]


def no_ratings(conversation_id: str) -> Mapping[int, str]:
    """The default hook: no per-turn ratings recorded."""
    return {}


def loss_weights(ratings: Mapping[int, str]) -> dict[int, int]:
    """``{turn: rating}`` -> ``{turn: weight}``: only a turn rated ``good`` is trained on (1), others 0."""
    return {int(turn): 1 if rating == "good" else 0 for turn, rating in ratings.items()}


@dataclass(frozen=True)
class Message:
    role: Role
    content: str
    turn_number: int | None = None


@dataclass
class Example:
    """One training example: optional system prompt, then alternating turns ending with the assistant.

    ``weights`` maps an assistant message's index in ``messages`` to its loss weight (0 or 1); an
    empty map means "train on every assistant message", the trainers' default.
    """

    conversation_id: str
    system: str | None
    messages: list[Message]
    target_turn: int | None = None
    weights: dict[int, int] = field(default_factory=dict)
    repeat: int = 1  # the nth example of its conversation claiming this turn number (files can repeat one)

    @property
    def example_id(self) -> str:
        base = self.conversation_id if self.target_turn is None else f"{self.conversation_id}_turn{self.target_turn}"
        return base if self.repeat == 1 else f"{base}_{self.repeat}"

    def chat(self) -> list[Message]:
        """System (if any) followed by the turns."""
        head = [Message("system", self.system)] if self.system else []
        return head + self.messages


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def system_prompt(pairs: list[dict[str, Any]]) -> str | None:
    """The conversation's system prompt: the first non-empty one among its pairs."""
    for pair in pairs:
        if text := _text(pair.get("system_prompt")):
            return text
    return None


def turns_from_pairs(pairs: list[dict[str, Any]]) -> list[Message]:
    """The conversation's turns, each once, in turn order.

    An assistant pair whose user turn has no pair of its own contributes its ``current_user_input``
    first, so files holding assistant pairs only (the JSONL shape) convert too.
    """
    turns: list[Message] = []
    for pair in sorted(pairs, key=lambda p: int(p.get("turn_number") or 0)):
        number = int(pair.get("turn_number") or 0) or None
        user_text = _text(pair.get("current_user_input"))
        if pair.get("target_response") is None:
            if user_text:
                turns.append(Message("user", user_text, number))
            continue
        if (not turns or turns[-1].role != "user") and user_text:
            turns.append(Message("user", user_text, None))
        if answer := _text(pair.get("target_response")):
            turns.append(Message("assistant", answer, number))
    return turns


def _weights(turns: list[Message], ratings: Mapping[int, int], *, target: int | None) -> dict[int, int]:
    """Per assistant message: history is not trained on again (0); the target or a rated turn follows its rating."""
    weights: dict[int, int] = {}
    for index, message in enumerate(turns):
        if message.role != "assistant":
            continue
        if target is not None and index != target:
            weights[index] = 0
        elif message.turn_number is not None and message.turn_number in ratings:
            weights[index] = ratings[message.turn_number]
        elif target is not None:
            weights[index] = 1
    return weights if (ratings or target is not None) else {}


def conversation_example(
    conversation_id: str, pairs: list[dict[str, Any]], ratings: Mapping[int, str] | None = None
) -> Example | None:
    """All turns as one example; a trailing user turn (no answer to learn) is left out. None if no answer."""
    turns = turns_from_pairs(pairs)
    while turns and turns[-1].role != "assistant":
        turns.pop()
    if not turns:
        return None
    weights = _weights(turns, loss_weights(ratings or {}), target=None)
    return Example(conversation_id, system_prompt(pairs), turns, None, weights)


def turn_examples(
    conversation_id: str, pairs: list[dict[str, Any]], ratings: Mapping[int, str] | None = None
) -> list[Example]:
    """One example per assistant turn: the turns before it as context, then the turn itself."""
    turns = turns_from_pairs(pairs)
    system = system_prompt(pairs)
    rated = loss_weights(ratings or {})
    examples: list[Example] = []
    claimed: dict[int | None, int] = {}
    for index, message in enumerate(turns):
        if message.role == "assistant" and index > 0:
            context = turns[: index + 1]
            weights = _weights(context, rated, target=index)
            claimed[message.turn_number] = claimed.get(message.turn_number, 0) + 1
            repeat = claimed[message.turn_number]
            examples.append(Example(conversation_id, system, context, message.turn_number, weights, repeat))
    return examples


def examples_for(
    conversation_id: str, pairs: list[dict[str, Any]], *, per_turn: bool, ratings: Mapping[int, str] | None = None
) -> list[Example]:
    if per_turn:
        return turn_examples(conversation_id, pairs, ratings)
    example = conversation_example(conversation_id, pairs, ratings)
    return [example] if example else []


def estimate_tokens(messages: list[Message]) -> int:
    """A trainer-independent estimate: ~4 characters per token plus 4 per message (role and separators)."""
    return sum((len(m.content) + 3) // 4 + 4 for m in messages) + 2
