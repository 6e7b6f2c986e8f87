"""A training job's input: a training file's conversations as OpenAI chat messages, checked, split, frozen.

Freezing writes the training and the validation JSONL once, under the job (bucket ``training-inputs``), with
their sha256; what a job trains on never changes afterwards, whatever happens to the training file. The checks
refuse what a trainer would choke on or learn badly from, listing the conversations concerned: too few
conversations for the service, answers cut off (truncated), text escaped twice (``\\n`` as two characters),
or a conversation longer than the base model reads (its context length).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from core.errors import ValidationError
from core.export import openai_chat
from core.export.common import ExportOptions
from core.export.selection import ExportItem
from core.export.split import assign

VALIDATION_RATIO = 0.1
SPLIT_SEED = 26
#: The fewest conversations each place trains from (the validation split included).
MIN_CONVERSATIONS = {"local": 2, "together": 10}


@dataclass
class Example:
    """One conversation's messages, ready for a trainer."""

    conversation_id: str
    name: str
    messages: list[dict[str, Any]]
    truncated: bool = False


@dataclass
class PreparedInput:
    train: list[Example]
    validation: list[Example]
    notes: list[str] = field(default_factory=list)

    @property
    def examples(self) -> list[Example]:
        return [*self.train, *self.validation]

    def jsonl(self, split: str) -> bytes:
        rows = self.train if split == "train" else self.validation
        return "".join(json.dumps({"messages": e.messages}, ensure_ascii=False) + "\n" for e in rows).encode()

    def sha256(self, split: str = "train") -> str:
        return hashlib.sha256(self.jsonl(split)).hexdigest()


def examples_from(items: Iterable[ExportItem]) -> list[Example]:
    """Each conversation once, as the OpenAI writer exports it (whole conversations, every answer)."""
    out: list[Example] = []
    for item in items:
        for record in openai_chat.records(item, ExportOptions()):
            messages = [{"role": m["role"], "content": m["content"]} for m in record["messages"]]
            out.append(Example(item.row.conversation_id, item.row.conversation_name, messages, item.row.is_truncated))
    return out


def double_escaped(text: str) -> bool:
    """Text escaped twice: line breaks or quotes written as backslash sequences, or a JSON string in a string."""
    if "\\n" in text and "\n" not in text:
        return True
    if '\\"' in text:
        return True
    stripped = text.strip()
    if len(stripped) > 1 and stripped[0] == stripped[-1] == '"':
        try:
            return isinstance(json.loads(stripped), str)
        except ValueError:
            return False
    return False


def _names(examples: Iterable[Example], limit: int = 10) -> str:
    names = [f"'{e.name}'" for e in examples]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def check(examples: list[Example], backend: str) -> None:
    """Refuse an input a trainer should not get; every problem is listed, in plain words."""
    minimum = MIN_CONVERSATIONS.get(backend, 2)
    problems: list[str] = []
    if len(examples) < minimum:
        problems.append(
            f"It has {len(examples)} conversation(s); training {'here' if backend == 'local' else 'there'} needs at "
            f"least {minimum}."
        )
    if truncated := [e for e in examples if e.truncated]:
        problems.append(f"Answers cut off mid-sentence in {_names(truncated)}.")
    if escaped := [e for e in examples if any(double_escaped(str(m["content"])) for m in e.messages)]:
        problems.append(f"Text escaped twice (line breaks or quotes shown as backslashes) in {_names(escaped)}.")
    if no_answer := [e for e in examples if not any(m["role"] == "assistant" for m in e.messages)]:
        problems.append(f"No answer to learn from in {_names(no_answer)}.")
    if problems:
        raise ValidationError(
            "This training file cannot be trained on yet.",
            problems=problems,
            hint="Fix or remove these conversations, rebuild the training file on Export, and try again.",
        )


def check_lengths(examples: list[Example], count_tokens: Callable[[list[dict[str, Any]]], int], limit: int) -> None:
    """Refuse conversations longer than the base model's context length, naming each with its length."""
    over = [(e, n) for e in examples if (n := count_tokens(e.messages)) > limit]
    if over:
        raise ValidationError(
            f"{len(over)} conversation(s) are longer than the base model reads at once ({limit:,} tokens).",
            problems=[f"'{e.name}': {n:,} tokens" for e, n in over],
            hint="Remove them from the training file, or choose a base model that reads longer texts.",
        )


def split(examples: list[Example], ratio: float = VALIDATION_RATIO) -> PreparedInput:
    """Hold out about ``ratio`` of the conversations (at least one when there are three or more), the same every time."""
    train = [e for e in examples if assign(e.conversation_id, ratio, seed=SPLIT_SEED) == "train"]
    validation = [e for e in examples if e not in train]
    if not validation and len(examples) >= 3:
        validation, train = [train[-1]], train[:-1]
    if not train:
        train, validation = validation[:1], validation[1:]
    return PreparedInput(train=train, validation=validation)
