"""The trainer check for text escaped twice: a message holding a literal ``\\n``, ``\\t``, ``\\"`` or ``\\\\``.

The import un-escapes what is clearly doubled (``core.importer.escapes``); whatever remains (typed by hand,
or too unclear to fix) is warned about before training, since a model trained on it writes backslashes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.importer.escapes import has_literal_escape


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _lines(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError:
                continue  # reported by the format's own check


def escape_warning(paths: list[Path]) -> str | None:
    """One warning naming the examples that hold a literal escape (``None`` when none does)."""
    found = [
        f"{path.name} line {number}"
        for path in paths
        for number, record in _lines(path)
        if isinstance(record, dict) and "_meta" not in record and any(map(has_literal_escape, _texts(record)))
    ]
    if not found:
        return None
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return (
        f"{len(found)} example(s) hold a literal escape (a backslash before n, t, a quote or a backslash: text "
        f"escaped twice), so a model trained on them learns to write backslashes: {', '.join(found[:3])}{more}. "
        "Fix the text on the Review page, or re-import the original file"
    )
