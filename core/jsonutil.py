"""JSON helpers: canonical bytes for files that diff cleanly, and parse errors people can read."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from core.errors import ImportFormatError


def dumps_pretty(data: Any) -> bytes:
    """Two-space indented UTF-8 JSON, keys in the order given, no trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def dumps_compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def canonical_hash(data: Any) -> str:
    """A stable fingerprint of a JSON value (sorted keys), used to recognise repeats."""
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def loads_or_explain(data: bytes | str, *, source: str) -> Any:
    """Parse JSON, or raise ``ImportFormatError`` naming the line and column of the first problem."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ImportFormatError(
                f"{source} is not UTF-8 text (byte {err.start} cannot be decoded).",
                hint="Save the file as UTF-8 JSON and try again.",
            ) from err
    try:
        return json.loads(data)
    except json.JSONDecodeError as err:
        raise ImportFormatError(
            f"{source} is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}.",
            hint="Fix the JSON at that position (a missing comma or quote is the usual cause) and import again.",
        ) from err
