"""Unique ids within one exported file.

The earlier system derived pair ids from the template category (``conflict_resolution_turn1``), so one
real file held 447 pairs under 36 ids. Every export gives every pair an id no other pair of the file has;
when it had to change one, the id the pair came with is kept next to it as ``original_id``.
"""

from __future__ import annotations

from typing import Any


class UniqueIds:
    """Hands out ids no earlier call returned (first come keeps its id; later ones get a suffix)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def claim(self, wanted: str, *, suffix: str = "") -> str:
        """``wanted`` if free; else ``wanted`` + ``suffix`` (when given), then a counter, until free."""
        candidate = wanted
        if candidate in self.seen and suffix:
            candidate = f"{wanted}_{suffix}"
        number = 2
        base = candidate
        while candidate in self.seen:
            candidate = f"{base}_{number}"
            number += 1
        self.seen.add(candidate)
        return candidate


def original_id(pair: dict[str, Any]) -> str:
    """The id a pair came with: ``original_id`` when an earlier export had to rename it."""
    value = pair.get("original_id", pair.get("id"))
    return "" if value is None else str(value)


def unique_pair(pair: dict[str, Any], ids: UniqueIds, conversation_id: str) -> dict[str, Any]:
    """``pair`` with an id unique in the file; ``original_id`` right after it when the id changed."""
    wanted = "" if pair.get("id") is None else str(pair.get("id"))
    unique = ids.claim(wanted or f"pair_{conversation_id[:8]}", suffix=conversation_id[:8])
    if unique == pair.get("id"):
        return pair
    renamed = {"id": unique, "original_id": pair.get("original_id", pair.get("id"))}
    return renamed | {k: v for k, v in pair.items() if k not in ("id", "original_id")}
