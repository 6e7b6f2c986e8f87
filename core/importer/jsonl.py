"""The JSONL that comes with a training file: the project's own and the earlier ``brightrun-lora-v4`` one.

Line 1 is ``{"_meta": {file_name, total_pairs, version}}``; every other line is one training pair with its
real ``conversation_id`` and an ``id`` that carries the first 8 characters of it as a suffix. Lines are
grouped by conversation (in first-seen order) into a training file, then read like one.
"""

from __future__ import annotations

import json
from typing import Any

from core.errors import ImportFormatError
from core.importer.checks import encodable, kind_of
from core.importer.formats import Candidate, from_training_file
from core.jsonutil import dumps_compact, loads_or_explain

JSONL_HINT = (
    "A .jsonl file holds one JSON object per line. Bright Run imports the JSONL of a brightrun-lora-v4 "
    'training file (a {"_meta": …} line, then one training pair per line); for any other JSONL, import '
    "the .json training file it came with instead."
)


def looks_like_jsonl(text: str, *, source: str) -> bool:
    """Several lines that each start an object: JSON Lines rather than one JSON document."""
    if source.lower().endswith((".jsonl", ".ndjson")):
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) > 1 and lines[0].lstrip().startswith("{") and lines[1].lstrip().startswith("{")


def _jsonl_error(source: str, problem: str) -> ImportFormatError:
    return ImportFormatError(f"{source} is JSONL (one JSON object per line), but {problem}.", hint=JSONL_HINT)


def parse_lines(text: str, *, source: str) -> list[tuple[int, Any]]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = loads_or_explain(line, source=f"line {number}")
            encodable(dumps_compact(record), source=source)
            records.append((number, record))
        except ImportFormatError as err:
            problem = err.message.removeprefix(f"line {number} is not valid JSON: ").rstrip(".")
            raise _jsonl_error(source, f"line {number} is not valid JSON: {problem}") from err
    if not records:
        raise _jsonl_error(source, "it holds no lines")
    return records


def _original_id(record: dict[str, Any], cid: str) -> Any:
    """The pair id before the JSONL gave it the conversation's prefix as a suffix."""
    pair_id = record.get("id")
    suffix = f"_{cid[:8]}"
    if isinstance(pair_id, str) and pair_id.endswith(suffix) and len(pair_id) > len(suffix):
        return pair_id[: -len(suffix)]
    return pair_id


def from_jsonl(text: str, *, source: str) -> list[Candidate]:
    records = parse_lines(text, source=source)
    meta: dict[str, Any] = {}
    number, first = records[0]
    if isinstance(first, dict) and set(first) == {"_meta"}:
        if not isinstance(first["_meta"], dict):
            raise _jsonl_error(source, f"line {number}: _meta should be an object, not {kind_of(first['_meta'])}")
        meta = first["_meta"]
        records = records[1:]
    conversations: dict[str, list[dict[str, Any]]] = {}
    for number, record in records:
        if not isinstance(record, dict):
            raise _jsonl_error(source, f"line {number} is {kind_of(record)}, not an object")
        if "target_response" not in record or "conversation_id" not in record:
            raise _jsonl_error(source, f"line {number} is not a brightrun-lora-v4 training pair (no target_response)")
        cid = record["conversation_id"]
        if not isinstance(cid, str):
            raise _jsonl_error(source, f"line {number}: conversation_id should be text, not {kind_of(cid)}")
        pair = {k: v for k, v in record.items() if k != "conversation_id"} | {"id": _original_id(record, cid)}
        if "original_id" in record:
            pair["id"] = record["original_id"]
            pair.pop("original_id")
        conversations.setdefault(cid, []).append(pair)
    if not conversations:
        raise _jsonl_error(source, "it holds no training pairs")
    data = {
        "training_file_metadata": {"file_name": meta.get("file_name", source)},
        "conversations": [
            {"conversation_metadata": {"conversation_id": cid}, "training_pairs": pairs}
            for cid, pairs in conversations.items()
        ],
    }
    return from_training_file(data, source=source, kind="jsonl")


def fewer_pairs_note(text: str, found: list[Candidate]) -> str | None:
    """What a JSONL cannot carry, said when it matters: its ``_meta.total_pairs`` counts the pairs of the
    training file, user turns without an answer included, but only answered pairs have a line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        meta = json.loads(first).get("_meta")
    except (ValueError, AttributeError):
        return None
    stated = meta.get("total_pairs") if isinstance(meta, dict) else None
    lines = sum(candidate.pairs for candidate in found)
    if not isinstance(stated, int) or isinstance(stated, bool) or stated <= lines:
        return None
    return (
        f"The JSONL has a line for {lines} of the {stated} training pairs of its training file (a user turn with "
        "no answer has no line); import the .json training file to keep every pair."
    )
