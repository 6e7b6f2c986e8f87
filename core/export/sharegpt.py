"""ShareGPT JSONL: ``{"id", "conversations": [{"from": "system|human|gpt", "value", "train"?}]}``.

``train`` is axolotl's per-message switch (``message_field_training: train`` in its chat_template
dataset config); it appears when ratings or per-turn cutting decide it.
"""

from __future__ import annotations

from typing import Any

from core.export.common import ExportOptions
from core.export.messages import Example
from core.export.selection import ExportItem

FROM = {"system": "system", "user": "human", "assistant": "gpt"}


def turns(example: Example) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"from": "system", "value": example.system}] if example.system else []
    for index, message in enumerate(example.messages):
        entry: dict[str, Any] = {"from": FROM[message.role], "value": message.content}
        if index in example.weights:
            entry["train"] = bool(example.weights[index])
        out.append(entry)
    return out


def records(item: ExportItem, options: ExportOptions) -> list[dict[str, Any]]:
    return [{"id": ex.example_id, "conversations": turns(ex)} for ex in options.examples(item)]
