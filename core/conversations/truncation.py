"""Signs that a model reply was cut off (earlier-system.md §3.6).

The one pattern that proved reliable: text that ends in an escaped quote (a backslash, optionally
followed by a quote and white space) where the model ran out of room inside a JSON string.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

ESCAPE_AT_END = re.compile(r'\\"?\s*$')
TRUNCATED_ESCAPE_SEQUENCE = "truncated_escape_sequence"
UNEXPECTED_STOP_REASON = "unexpected_stop_reason"


@dataclass(frozen=True)
class Truncation:
    pattern: str
    details: str


def ends_in_escape(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and bool(ESCAPE_AT_END.search(stripped))


def find_truncation(text: str, turns: list[dict[str, object]] | None = None) -> Truncation | None:
    """The truncation found in a reply's text or in its assistant turns, if any."""
    if ends_in_escape(text):
        return Truncation(TRUNCATED_ESCAPE_SEQUENCE, "The reply ends in an escaped quote.")
    if turns is None:
        try:
            parsed = json.loads(text)
        except ValueError:
            return None
        turns = parsed.get("turns") if isinstance(parsed, dict) else None
    hits = [
        f"Turn {index}: {TRUNCATED_ESCAPE_SEQUENCE}"
        for index, turn in enumerate(turns or [], start=1)
        if isinstance(turn, dict)
        and turn.get("role") == "assistant"
        and isinstance(turn.get("content"), str)
        and ends_in_escape(str(turn["content"]))
    ]
    if hits:
        return Truncation(TRUNCATED_ESCAPE_SEQUENCE, "; ".join(hits))
    return None
