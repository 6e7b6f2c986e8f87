"""OpenAI chat fine-tuning JSONL: ``{"messages": [{"role", "content", "weight"?}]}`` per line.

``weight`` (0/1, assistant messages only) appears when ratings or per-turn cutting decide it.
"""

from __future__ import annotations

from typing import Any

from core.export.common import ExportOptions
from core.export.messages import Example
from core.export.selection import ExportItem


def messages(example: Example) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"role": "system", "content": example.system}] if example.system else []
    for index, message in enumerate(example.messages):
        entry: dict[str, Any] = {"role": message.role, "content": message.content}
        if index in example.weights:
            entry["weight"] = example.weights[index]
        out.append(entry)
    return out


def records(item: ExportItem, options: ExportOptions) -> list[dict[str, Any]]:
    return [{"messages": messages(example)} for example in options.examples(item)]
