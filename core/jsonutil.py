"""JSON helpers: canonical bytes for files that diff cleanly, and parse errors people can read.

``loads_or_explain`` is the one parser for files people hand us: it refuses what the standard library
would accept but nothing downstream can store or compare (NaN and Infinity, integers past Python's
4,300-digit limit, nesting deeper than ``MAX_DEPTH``), each with a plain message instead of a traceback.
``strip_nul`` removes NUL characters, which PostgreSQL text columns refuse and SQLite keeps: the same
data must store the same way on both backends.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from core.errors import ImportFormatError

MAX_DEPTH = 64
NUL = "\x00"


def dumps_pretty(data: Any) -> bytes:
    """Two-space indented UTF-8 JSON, keys in the order given, no trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def dumps_compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def canonical_hash(data: Any) -> str:
    """A stable fingerprint of a JSON value (sorted keys), used to recognise repeats."""
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def strip_nul(value: Any) -> Any:
    """``value`` with every NUL character removed from its strings (keys too), at any depth."""
    if isinstance(value, str):
        return value.replace(NUL, "") if NUL in value else value
    if isinstance(value, list):
        return [strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {strip_nul(k): strip_nul(v) for k, v in value.items()}
    return value


def depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"the value {name} (JSON has no NaN or Infinity)")


def _explain(source: str, problem: str, *, hint: str | None = None) -> ImportFormatError:
    return ImportFormatError(
        f"{source} is not valid JSON: {problem}.",
        hint=hint or "Fix the JSON at that position (a missing comma or quote is the usual cause) and import again.",
    )


def decode_text(data: bytes | str, *, source: str) -> str:
    """UTF-8 text of ``data`` (a byte-order mark is dropped), or ``ImportFormatError``."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ImportFormatError(
            f"{source} is not UTF-8 text (byte {err.start} cannot be decoded).",
            hint="Save the file as UTF-8 JSON and try again.",
        ) from err


def loads_or_explain(data: bytes | str, *, source: str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON, or raise ``ImportFormatError`` naming the line and column (or the kind) of the problem."""
    text = decode_text(data, source=source)
    try:
        parsed = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as err:
        raise _explain(source, f"{err.msg} at line {err.lineno}, column {err.colno}") from err
    except RecursionError as err:
        raise _explain(
            source, f"it is nested more than {max_depth} levels deep", hint="Bright Run files nest a few levels."
        ) from err
    except ValueError as err:  # NaN/Infinity, or an integer past the 4,300-digit limit
        problem = str(err).split(";")[0]
        if "digits" in problem:
            problem = "it holds an integer too long to read (over 4,300 digits)"
        raise _explain(source, f"it holds {problem}" if problem.startswith("the value") else problem) from err
    if (found := depth(parsed)) > max_depth:
        raise _explain(
            source,
            f"it is nested {found} levels deep (at most {max_depth})",
            hint="Bright Run files nest a few levels.",
        )
    return parsed
