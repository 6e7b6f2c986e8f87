"""Files that wrap several conversations: an object whose values are conversations (or lists of them).

The earlier system's seed files sometimes hold a few conversations in one object (``{"a": {...}, "b":
{...}}`` or ``{"conversations": [{...}, {...}]}``). Each part is read as the file it would be on its own (raw, enriched, a training
file, or a seed-format conversation: ``conversation_metadata`` + ``training_pairs``) and reported on its
own line. A value that is no conversation is left out and named in a warning.
"""

from __future__ import annotations

from typing import Any

from core.importer.checks import SAFE_ID, shown
from core.importer.formats import ENRICHED_FORMAT, UUID_IN_NAME, Candidate, from_enriched, from_raw, from_training_file
from core.jsonutil import dumps_pretty


def part_kind(value: Any) -> str | None:
    """What a part is: ``raw``, ``enriched``, ``training_file``, ``seed``, or ``None`` (no conversation)."""
    if not isinstance(value, dict):
        return None
    if "training_file_metadata" in value and "conversations" in value:
        return "training_file"
    if "dataset_metadata" in value and "training_pairs" in value:
        return ENRICHED_FORMAT
    if "conversation_metadata" in value and "turns" in value:
        return "raw"
    if isinstance(value.get("training_pairs"), list):
        return "seed"
    return None


def _labelled(data: Any) -> list[tuple[str, Any]]:
    if not isinstance(data, dict):  # a top-level list stays refused: it is no file of the earlier system
        return []
    found: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(part_kind(v) for v in value):
            found += [(f"{key} {i}", v) for i, v in enumerate(value, start=1)]
        else:
            found.append((str(key), value))
    return found


def parts_of(data: Any) -> tuple[list[tuple[str, Any]], list[str]] | None:
    """The conversations a wrapper holds, labelled, and the names of values left out; ``None`` if none."""
    labelled = _labelled(data)
    parts = [(label, value) for label, value in labelled if part_kind(value)]
    if not parts:
        return None
    left_out = [label for label, value in labelled if not part_kind(value)]
    return parts, left_out


def _seed_id(value: dict[str, Any]) -> str | None:
    meta = value.get("conversation_metadata")
    stated = meta.get("conversation_id") if isinstance(meta, dict) else None
    if isinstance(stated, str) and SAFE_ID.fullmatch(stated) and ".." not in stated:
        return stated
    for pair in value.get("training_pairs") or []:
        cid = pair.get("conversation_id") if isinstance(pair, dict) else None
        if isinstance(cid, str) and UUID_IN_NAME.fullmatch(cid):
            return cid
    return None


def read_part(label: str, value: dict[str, Any], *, source: str) -> list[Candidate]:
    """The candidates of one part (a training file may hold several), each labelled with its part."""
    where = f"{source} ({label})"
    kind = part_kind(value)
    if kind == "raw":
        found = [from_raw(value, dumps_pretty(value).decode(), source=where)]
    elif kind == "training_file":
        found = from_training_file(value, source=where)
    else:
        cid = _seed_id(value) if kind == "seed" else None
        data = value if kind == ENRICHED_FORMAT else {"dataset_metadata": {}} | value
        found = [from_enriched(data, source=where)]
        if cid and not found[0].conversation_id:
            found[0].conversation_id = cid
    for number, candidate in enumerate(found, start=1):
        candidate.part = label if len(found) == 1 else f"{label}, conversation {number}"
    return found


def left_out_warning(labels: list[str]) -> str:
    names = ", ".join(shown(label) for label in labels[:5])
    more = f" and {len(labels) - 5} more" if len(labels) > 5 else ""
    return f"Left out {len(labels)} part(s) that hold no conversation: {names}{more}."
