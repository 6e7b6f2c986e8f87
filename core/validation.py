"""Pydantic's validation errors in plain words, as the project's ``ValidationError``.

Every service that validates input a person typed turns ``pydantic.ValidationError`` into
``core.errors.ValidationError`` through ``user_error``; the pages' and the CLI's error handlers do the
same for any that slips through, so a person never sees "String should have at least 1 character".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pydantic

from core.errors import ValidationError

Labeler = Callable[[str], str]


def words(name: str) -> str:
    """A field name as words: ``typical_turn_count_min`` -> ``Typical turn count min``."""
    return name.replace("_", " ").strip().capitalize() or "This value"


def _limit(ctx: dict[str, Any], name: str) -> Any:
    return ctx.get(name, "?")


def _plain(problem: Any, label: str) -> str:
    kind = problem.get("type", "")
    ctx = problem.get("ctx") or {}
    given = problem.get("input")
    if kind == "missing" or (kind == "string_too_short" and not (given or "").strip()):
        return f"{label}: this is empty. Fill it in."
    if kind == "string_too_short":
        return f"{label}: too short (at least {_limit(ctx, 'min_length')} characters)."
    if kind == "string_too_long":
        return f"{label}: too long (at most {_limit(ctx, 'max_length')} characters)."
    if kind in ("greater_than_equal", "greater_than"):
        bound = _limit(ctx, "ge") if kind == "greater_than_equal" else _limit(ctx, "gt")
        return f"{label}: must be {'at least' if kind == 'greater_than_equal' else 'more than'} {bound}."
    if kind in ("less_than_equal", "less_than"):
        bound = _limit(ctx, "le") if kind == "less_than_equal" else _limit(ctx, "lt")
        return f"{label}: must be {'at most' if kind == 'less_than_equal' else 'less than'} {bound}."
    if kind.startswith("int_"):
        return f"{label}: must be a whole number."
    if kind.startswith("float_"):
        return f"{label}: must be a number."
    if kind.startswith("bool_"):
        return f"{label}: must be yes or no."
    if kind == "literal_error":
        return f"{label}: must be one of {_limit(ctx, 'expected')}."
    if kind in ("list_type", "dict_type", "string_type"):
        return f"{label}: this is not the right kind of value."
    message = str(problem.get("msg", "")).removeprefix("Value error, ")
    return f"{label}: {message}" if label else message


def plain_problems(err: pydantic.ValidationError, label: Labeler = words) -> list[str]:
    """One sentence per problem: the field's label, then what to do about it."""
    lines: list[str] = []
    for problem in err.errors():
        loc = [str(p) for p in problem.get("loc", ()) if not isinstance(p, int)]
        name = loc[-1] if loc else ""
        text = _plain(problem, label(name) if name else "")
        if problem.get("type") == "value_error":
            # A rule across a range names both ends in its message: show their labels instead.
            text = re.sub(r"\b[a-z]+(?:_[a-z]+)*_(?:min|max)\b", lambda m: f"“{label(m.group(0))}”", text)
        lines.append(text)
    return lines or ["Some of the values are not valid."]


def user_error(err: pydantic.ValidationError, subject: str = "", label: Labeler = words) -> ValidationError:
    """The project error for ``err``: "Please check the training file:" and one line per problem."""
    what = f"the {subject}" if subject else "what you entered"
    return ValidationError(f"Please check {what}:", problems=plain_problems(err, label))
