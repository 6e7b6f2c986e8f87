"""Reading a whole file into candidates, before anything is stored: the format, the parts of a file holding
several conversations, NUL characters removed, escapes written twice undone.
"""

from __future__ import annotations

from typing import Any

from core.errors import ImportFormatError
from core.importer import escapes, wrapper
from core.importer.checks import encodable
from core.importer.formats import (
    ENRICHED_FORMAT,
    Candidate,
    Format,
    detect_format,
    from_enriched,
    from_raw,
    from_training_file,
)
from core.importer.jsonl import fewer_pairs_note, from_jsonl, looks_like_jsonl
from core.importer.result import ImportResult
from core.jsonutil import decode_text, dumps_compact, dumps_pretty, loads_or_explain, strip_nul


def without_nul(candidate: Candidate) -> None:
    """Remove NUL characters from everything a candidate stores (the raw text is written anew)."""
    candidate.raw = strip_nul(candidate.raw)
    candidate.raw_text = dumps_pretty(candidate.raw).decode()
    candidate.params = strip_nul(candidate.params)
    candidate.enriched = strip_nul(candidate.enriched)


def unescaped(candidate: Candidate) -> None:
    """Undo escapes written twice in the candidate's messages (turns and pairs); counts the turns fixed."""
    fixed = escapes.fix_turns(candidate.turns)
    pairs = (candidate.enriched or {}).get("training_pairs")
    fixed_pairs = escapes.fix_pairs(pairs) if isinstance(pairs, list) else 0
    if fixed:
        candidate.raw_text = dumps_pretty(candidate.raw).decode()
    candidate.unescaped = fixed or fixed_pairs


def _parsed(parsed: Any, text: str, *, source: str) -> tuple[list[Candidate], Format, list[str]]:
    try:
        kind = detect_format(parsed, source=source)
    except ImportFormatError:
        found = wrapper.parts_of(parsed)
        if found is None:
            raise
        parts, left_out = found
        encodable(dumps_compact(parsed), source=source)
        candidates = [c for label, value in parts for c in wrapper.read_part(label, value, source=source)]
        return candidates, "wrapper", [wrapper.left_out_warning(left_out)] if left_out else []
    encodable(dumps_compact(parsed), source=source)
    if kind == "raw":
        return [from_raw(parsed, text, source=source)], kind, []
    if kind == ENRICHED_FORMAT:
        return [from_enriched(parsed, source=source)], kind, []
    return from_training_file(parsed, source=source), kind, []


def read_file(data: bytes, *, source: str) -> tuple[list[Candidate], ImportResult]:
    """Every conversation of the file, checked, before any is stored.

    Ids are checked on the text as written (a NUL in an id refuses the file); NUL characters in message
    text are then removed, the same on every backend; escapes written twice are undone (truncation was
    looked for before, on the text as written).
    """
    text = decode_text(data, source=source)
    warnings: list[str] = []
    kind: Format
    if looks_like_jsonl(text, source=source):
        found, kind = from_jsonl(text, source=source), "jsonl"
        if note := fewer_pairs_note(text, found):
            warnings.append(note)
    else:
        parsed = loads_or_explain(text, source=source)
        found, kind, warnings = _parsed(parsed, text, source=source)
    result = ImportResult(source=source, format=kind, warnings=warnings)
    if "\\u0000" in text:
        for candidate in found:
            without_nul(candidate)
        result.warnings.append("NUL characters were removed from the text (databases cannot store them).")
    for candidate in found:
        unescaped(candidate)
    return found, result
