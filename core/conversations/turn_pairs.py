"""One edited turn, carried into the training pairs of an enriched conversation, and nothing else.

A reviewer's edit of a turn changes that turn's text wherever the pairs hold it (the answer, the user input
the answers reply to, the history of later pairs). Every other field is left as it is: the scores, the skills,
the extra fields a seed-format file carried (``response_strategy``, ``response_breakdown``, ...). The system
prompt of a changed pair is the conversation's own (its snapshot: what it was written or imported with),
never the app's current expert profile. Pure: no file or database is touched.
"""

from __future__ import annotations

import copy
from typing import Any


def _same(value: Any, text: str) -> bool:
    return isinstance(value, str) and value.strip() == text.strip()


def _history(pair: dict[str, Any], turn_number: int, role: str, old: str, new: str) -> bool:
    changed = False
    for entry in pair.get("conversation_history") or []:
        if not isinstance(entry, dict) or entry.get("role") != role or not _same(entry.get("content"), old):
            continue
        if isinstance(entry.get("turn"), int) and entry["turn"] != turn_number:
            continue  # the same words in another turn
        entry["content"] = new
        changed = True
    return changed


def rederive_turn(
    enriched: dict[str, Any],
    turn_number: int,
    role: str,
    old: str,
    new: str,
    snapshot: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], int]:
    """A copy of ``enriched`` whose pairs say ``new`` where turn ``turn_number`` said ``old``; how many pairs changed."""
    data = copy.deepcopy(enriched)
    prompt = (snapshot or {}).get("system_prompt")
    changed = 0
    for pair in data.get("training_pairs") or []:
        if not isinstance(pair, dict):
            continue
        touched = _history(pair, turn_number, role, old, new)
        if role == "user" and _same(pair.get("current_user_input"), old):
            pair["current_user_input"] = new
            touched = True
        if role == "assistant" and _same(pair.get("target_response"), old):
            pair["target_response"] = new
            touched = True
        if touched:
            changed += 1
            if isinstance(prompt, str) and prompt.strip() and "system_prompt" in pair:
                pair["system_prompt"] = prompt
    return data, changed
