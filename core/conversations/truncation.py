"""Signs that a model reply was cut off (earlier-system.md §3.6).

Two patterns:

- ``truncated_escape_sequence``: text that ends in an escaped quote or a stray backslash, where the
  model ran out of room inside a JSON string (the one the earlier system detected).
- ``ends_mid_sentence``: an assistant answer whose last character cannot end a sentence (a comma, a
  colon, an opening bracket, a dash, or a lower-case letter). Answers end with ``.``, ``?``, ``!``, a
  closing quote or bracket; one that stops on "and the" was cut off.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

ESCAPE_AT_END = re.compile(r'\\"?\s*$')
MID_SENTENCE_END = re.compile(r"(?:[,;:(\[{\-–—/]|[a-z])$")
TRUNCATED_ESCAPE_SEQUENCE = "truncated_escape_sequence"
ENDS_MID_SENTENCE = "ends_mid_sentence"
UNEXPECTED_STOP_REASON = "unexpected_stop_reason"


@dataclass(frozen=True)
class Truncation:
    pattern: str
    details: str


def ends_in_escape(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and bool(ESCAPE_AT_END.search(stripped))


def ends_mid_sentence(text: str) -> bool:
    """An answer cut off mid-sentence: a stray backslash, or a last character no sentence ends with."""
    stripped = text.strip()
    return bool(stripped) and (ends_in_escape(stripped) or bool(MID_SENTENCE_END.search(stripped)))


def answer_pattern(text: str) -> str | None:
    """Which truncation pattern an assistant answer shows, if any."""
    if ends_in_escape(text):
        return TRUNCATED_ESCAPE_SEQUENCE
    if ends_mid_sentence(text):
        return ENDS_MID_SENTENCE
    return None


def find_truncation(
    text: str, turns: list[dict[str, object]] | None = None, *, mid_sentence: bool = False
) -> Truncation | None:
    """The truncation found in a reply's text or in its assistant turns, if any.

    ``mid_sentence`` also counts answers that stop mid-sentence (the importer's check on files people
    bring); generation keeps the earlier fail-fast rule (escaped quote) only.
    """
    if ends_in_escape(text):
        return Truncation(TRUNCATED_ESCAPE_SEQUENCE, "The reply ends in an escaped quote.")
    if turns is None:
        try:
            parsed = json.loads(text)
        except ValueError:
            return None
        turns = parsed.get("turns") if isinstance(parsed, dict) else None
    hits: list[tuple[int, str]] = []
    for index, turn in enumerate(turns or [], start=1):
        if isinstance(turn, dict) and turn.get("role") == "assistant" and isinstance(turn.get("content"), str):
            content = str(turn["content"])
            pattern = (
                answer_pattern(content)
                if mid_sentence
                else (TRUNCATED_ESCAPE_SEQUENCE if ends_in_escape(content) else None)
            )
            if pattern:
                hits.append((index, pattern))
    if not hits:
        return None
    patterns = [p for _, p in hits]
    pattern = TRUNCATED_ESCAPE_SEQUENCE if TRUNCATED_ESCAPE_SEQUENCE in patterns else ENDS_MID_SENTENCE
    return Truncation(pattern, "; ".join(f"Turn {index}: {p}" for index, p in hits))


def truncated_answers(pairs: list[dict[str, object]]) -> int:
    """How many assistant answers among training ``pairs`` end mid-sentence."""
    return sum(
        1 for p in pairs if isinstance(p.get("target_response"), str) and ends_mid_sentence(str(p["target_response"]))
    )
