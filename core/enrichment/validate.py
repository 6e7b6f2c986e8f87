"""Stage 2, validate: structural checks of a raw conversation (earlier-system.md §5.3, same codes).

Input: the fetched text. Output: the parsed JSON (or ``None``) and a ``ValidationReport``. Blockers stop
the pipeline (``validation_failed``); warnings are kept in the report and enrichment goes on.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.enrichment.models import Severity, ValidationIssue, ValidationReport

METADATA_FIELDS = (
    ("client_persona", "MISSING_CLIENT_PERSONA"),
    ("session_context", "MISSING_SESSION_CONTEXT"),
    ("conversation_phase", "MISSING_CONVERSATION_PHASE"),
)
SHORT_CONTENT_CHARS = 10


def _issue(code: str, severity: Severity, field: str, message: str, suggestion: str | None = None) -> ValidationIssue:
    return ValidationIssue(code=code, severity=severity, field=field, message=message, suggestion=suggestion)


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or not value.strip()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse(text: str) -> tuple[Any, ValidationIssue | None]:
    try:
        return json.loads(text), None
    except ValueError as err:
        return None, _issue(
            "INVALID_JSON_SYNTAX",
            "blocker",
            "root",
            f"The stored conversation is not valid JSON: {err}.",
            "Regenerate the conversation, or fix and re-import its file.",
        )


def check_metadata(data: dict[str, Any]) -> list[ValidationIssue]:
    metadata = data.get("conversation_metadata")
    if not isinstance(metadata, dict):
        return [_issue("MISSING_CONVERSATION_METADATA", "blocker", "conversation_metadata", "No metadata object.")]
    issues = [
        _issue(code, "blocker", f"conversation_metadata.{name}", f"'{name}' is missing or blank.")
        for name, code in METADATA_FIELDS
        if _blank(metadata.get(name))
    ]
    if _blank(metadata.get("expected_outcome")):
        issues.append(
            _issue(
                "MISSING_EXPECTED_OUTCOME",
                "warning",
                "conversation_metadata.expected_outcome",
                "'expected_outcome' is missing or blank; a default phrase is used.",
            )
        )
    return issues


def check_turn(index: int, turn: Any, previous: Any) -> list[ValidationIssue]:
    at = f"turns[{index}]"
    if not isinstance(turn, dict):
        return [_issue("MISSING_CONTENT", "blocker", at, "The turn is not an object.")]
    issues: list[ValidationIssue] = []
    number = turn.get("turn_number")
    if not _is_number(number):
        issues.append(_issue("INVALID_TURN_NUMBER", "blocker", f"{at}.turn_number", "turn_number is not a number."))
    elif number != index + 1:
        issues.append(
            _issue(
                "TURN_NUMBER_MISMATCH",
                "warning",
                f"{at}.turn_number",
                f"turn_number is {number}, expected {index + 1}.",
            )
        )
    role = turn.get("role")
    if role not in ("user", "assistant"):
        issues.append(_issue("INVALID_ROLE", "blocker", f"{at}.role", f"role is {role!r}, not 'user' or 'assistant'."))
    elif isinstance(previous, dict) and previous.get("role") == role:
        issues.append(_issue("ROLE_NOT_ALTERNATING", "warning", f"{at}.role", f"Two '{role}' turns in a row."))
    content = turn.get("content")
    if not isinstance(content, str) or not content.strip():
        issues.append(_issue("MISSING_CONTENT", "blocker", f"{at}.content", "content is missing or blank."))
    elif len(content.strip()) < SHORT_CONTENT_CHARS:
        issues.append(_issue("SHORT_CONTENT", "warning", f"{at}.content", "content is under 10 characters."))
    return issues + check_emotion(at, turn.get("emotional_context"))


def check_emotion(at: str, context: Any) -> list[ValidationIssue]:
    where = f"{at}.emotional_context"
    if not isinstance(context, dict):
        return [_issue("MISSING_EMOTIONAL_CONTEXT", "blocker", where, "No emotional_context object.")]
    issues: list[ValidationIssue] = []
    if _blank(context.get("primary_emotion")):
        issues.append(_issue("MISSING_PRIMARY_EMOTION", "blocker", f"{where}.primary_emotion", "No primary emotion."))
    if _blank(context.get("secondary_emotion")):
        issues.append(
            _issue("MISSING_SECONDARY_EMOTION", "warning", f"{where}.secondary_emotion", "No secondary emotion.")
        )
    intensity = context.get("intensity")
    if not isinstance(intensity, int | float) or isinstance(intensity, bool):
        issues.append(_issue("MISSING_INTENSITY", "blocker", f"{where}.intensity", "intensity is not a number."))
    elif intensity < 0 or intensity > 1:
        issues.append(
            _issue("INTENSITY_OUT_OF_RANGE", "blocker", f"{where}.intensity", f"intensity {intensity} is outside 0..1.")
        )
    elif intensity in (0, 1):
        issues.append(
            _issue("EXTREME_INTENSITY", "warning", f"{where}.intensity", f"intensity is exactly {intensity}.")
        )
    return issues


def check_structure(data: Any) -> list[ValidationIssue]:
    """Every issue of a parsed conversation; per-turn checks only run when there are at least 2 turns."""
    if not isinstance(data, dict):
        return [_issue("MISSING_CONVERSATION_METADATA", "blocker", "root", "The top level is not a JSON object.")]
    issues = check_metadata(data)
    turns = data.get("turns")
    if not isinstance(turns, list):
        return [*issues, _issue("MISSING_TURNS_ARRAY", "blocker", "turns", "'turns' is missing or not a list.")]
    if len(turns) < 2:
        return [*issues, _issue("INSUFFICIENT_TURNS", "blocker", "turns", f"{len(turns)} turn(s); at least 2 needed.")]
    for index, turn in enumerate(turns):
        issues += check_turn(index, turn, turns[index - 1] if index else None)
    return issues


def validate(text: str, conversation_id: str, at: datetime) -> tuple[Any, ValidationReport]:
    """Parse and check ``text``. Returns the parsed data (``None`` if it does not parse) and the report."""
    data, syntax_error = parse(text)
    issues = [syntax_error] if syntax_error else check_structure(data)
    return data, ValidationReport.build(conversation_id, at, issues)
