"""Unique, stable pair ids within one exported file.

The earlier system derived pair ids from the template category (``conflict_resolution_turn1``), so one
real file held 447 pairs under 36 ids. An id that does not name its conversation gets the conversation's
tag as a suffix (``conflict_resolution_turn1_330dc058``, the earlier JSONL's own rule), and the id the pair
came with is kept next to it as ``original_id``. Ids our enrichment writes (``{conversation_id}_turn{n}``)
already name their conversation and stay as they are.

The rule depends on the pair alone, not on what came before it in the file: the same pair gets the same
id in every export, and memory stays flat (one tag per conversation, one conversation's ids at a time).
A tag is the conversation id's first 8 characters, or the whole id if another conversation of the file
already has those 8.
"""

from __future__ import annotations

from typing import Any


class UniqueIds:
    """Tags conversations and keeps ids unique within the conversation being written."""

    def __init__(self) -> None:
        self.tags: dict[str, str] = {}
        self.scope = ""
        self.scoped: set[str] = set()

    def tag(self, conversation_id: str) -> str:
        short = conversation_id[:8]
        owner = self.tags.setdefault(short, conversation_id)
        return short if owner == conversation_id else conversation_id

    def claim(self, wanted: str, *, conversation_id: str) -> str:
        """``wanted``, or ``wanted_2``, ``wanted_3``… when the conversation already used it."""
        if conversation_id != self.scope:
            self.scope, self.scoped = conversation_id, set()
        candidate, number = wanted, 2
        while candidate in self.scoped:
            candidate = f"{wanted}_{number}"
            number += 1
        self.scoped.add(candidate)
        return candidate


def original_id(pair: dict[str, Any]) -> str:
    """The id a pair came with: ``original_id`` when an earlier export renamed it."""
    value = pair.get("original_id", pair.get("id"))
    return "" if value is None else str(value)


def names_conversation(pair_id: str, conversation_id: str, tag: str) -> bool:
    return conversation_id in pair_id or pair_id.endswith(f"_{tag}")


def unique_pair(pair: dict[str, Any], ids: UniqueIds, conversation_id: str) -> dict[str, Any]:
    """``pair`` with an id unique in the file; ``original_id`` right after it when the id changed."""
    current = "" if pair.get("id") is None else str(pair.get("id"))
    tag = ids.tag(conversation_id)
    if current and names_conversation(current, conversation_id, tag):
        wanted = current
    else:
        wanted = f"{current}_{tag}" if current else f"pair_{tag}"
    unique = ids.claim(wanted, conversation_id=conversation_id)
    if unique == pair.get("id"):
        return pair
    renamed = {"id": unique, "original_id": pair.get("original_id", pair.get("id"))}
    return renamed | {k: v for k, v in pair.items() if k not in ("id", "original_id")}


def jsonl_id(pair: dict[str, Any], ids: UniqueIds, conversation_id: str) -> tuple[str, str | None]:
    """The JSONL line id (``{original id}_{tag}``, the earlier rule) and, if it had to change, the original."""
    wanted = f"{original_id(pair)}_{ids.tag(conversation_id)}"
    unique = ids.claim(wanted, conversation_id=conversation_id)
    return unique, (original_id(pair) if unique != wanted else None)
