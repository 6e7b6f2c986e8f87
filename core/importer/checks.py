"""Shape checks on files people bring: every nested field of the wrong type is named, nothing crashes.

Each check raises ``ImportFormatError`` whose message is one line: the file, where in it, what was
expected and what was found. Ids that become storage paths are checked too: a conversation id is
letters, digits, ``-``, ``_`` and ``.`` only (no ``/``, no ``..``, no NUL), at most 100 characters.
"""

from __future__ import annotations

import re
from typing import Any

from core.errors import ImportFormatError

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
KINDS: dict[type, str] = {
    dict: "an object",
    list: "a list",
    str: "text",
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    type(None): "null",
}


def kind_of(value: Any) -> str:
    return KINDS.get(type(value), type(value).__name__)


def shown(value: Any, limit: int = 40) -> str:
    """A short, printable rendering of a value for a message (escapes NULs, surrogates, long text)."""
    text = ascii(value) if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…'"


def refuse(source: str, problem: str, *, hint: str | None = None) -> ImportFormatError:
    return ImportFormatError(f"{source}: {problem}.", hint=hint)


def expect(value: Any, kinds: tuple[type, ...], *, source: str, where: str, required: bool = False) -> Any:
    """``value`` if it has one of ``kinds`` (``None`` allowed unless ``required``), else refuse naming it."""
    if value is None and not required:
        return value
    ok = False if isinstance(value, bool) and bool not in kinds else isinstance(value, kinds)
    if not ok:
        wanted = " or ".join(KINDS.get(k, k.__name__) for k in kinds)
        raise refuse(source, f"{where} should be {wanted}, not {kind_of(value)}")
    return value


def optional_object(container: dict[str, Any], key: str, *, source: str, where: str) -> dict[str, Any]:
    """``container[key]`` as an object (``{}`` when absent or null), refusing any other type."""
    value = expect(container.get(key), (dict,), source=source, where=f"{where}{key}")
    return value or {}


def text_fields(container: dict[str, Any], keys: tuple[str, ...], *, source: str, where: str) -> None:
    for key in keys:
        expect(container.get(key), (str,), source=source, where=f"{where}{key}")


def conversation_id(value: Any, *, source: str, where: str) -> str | None:
    """A usable conversation id (or ``None`` when the file gives none)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or isinstance(value, bool):
        raise refuse(source, f"{where}conversation_id should be text, not {kind_of(value)} ({shown(value)})")
    if not SAFE_ID.fullmatch(value) or ".." in value:
        raise refuse(
            source,
            f"{where}conversation_id {shown(value)} is not a usable id "
            "(letters, digits, '-', '_' and '.' only, at most 100 characters, no '..')",
        )
    return value


def encodable(text: str, *, source: str) -> None:
    """Refuse text holding a lone surrogate (``\\ud800``): it is not Unicode text and cannot be stored."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        bad = text[err.start : err.end]
        raise refuse(
            source,
            f"it holds {shown(bad)}, half of a character pair (a lone surrogate), which is not text",
            hint="Re-export the file from the tool that wrote it; a text editor cannot repair this.",
        ) from err
