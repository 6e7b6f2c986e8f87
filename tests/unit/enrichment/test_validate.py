"""Every blocker and warning code of earlier-system.md §5.3, each from one small change to a valid file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from core.enrichment.models import BLOCKER_CODES, WARNING_CODES
from core.enrichment.validate import validate

AT = datetime(2026, 1, 1, tzinfo=UTC)


def _report(data: Any):
    return validate(json.dumps(data), "c1", AT)[1]


def _set(path: str, value: Any):
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


_DELETE = object()
BLOCKER_CASES = [
    ("MISSING_CONVERSATION_METADATA", _set("conversation_metadata", _DELETE), "conversation_metadata"),
    ("MISSING_TURNS_ARRAY", _set("turns", "not a list"), "turns"),
    ("INSUFFICIENT_TURNS", _set("turns.1", _DELETE), "turns"),
    (
        "MISSING_CLIENT_PERSONA",
        _set("conversation_metadata.client_persona", "  "),
        "conversation_metadata.client_persona",
    ),
    (
        "MISSING_SESSION_CONTEXT",
        _set("conversation_metadata.session_context", 7),
        "conversation_metadata.session_context",
    ),
    (
        "MISSING_CONVERSATION_PHASE",
        _set("conversation_metadata.conversation_phase", _DELETE),
        "conversation_metadata.conversation_phase",
    ),
    ("INVALID_TURN_NUMBER", _set("turns.1.turn_number", "two"), "turns[1].turn_number"),
    ("INVALID_ROLE", _set("turns.1.role", "system"), "turns[1].role"),
    ("MISSING_CONTENT", _set("turns.0.content", ""), "turns[0].content"),
    ("MISSING_EMOTIONAL_CONTEXT", _set("turns.1.emotional_context", _DELETE), "turns[1].emotional_context"),
    (
        "MISSING_PRIMARY_EMOTION",
        _set("turns.0.emotional_context.primary_emotion", ""),
        "turns[0].emotional_context.primary_emotion",
    ),
    ("MISSING_INTENSITY", _set("turns.0.emotional_context.intensity", "high"), "turns[0].emotional_context.intensity"),
    (
        "INTENSITY_OUT_OF_RANGE",
        _set("turns.1.emotional_context.intensity", 1.2),
        "turns[1].emotional_context.intensity",
    ),
]
WARNING_CASES = [
    (
        "MISSING_EXPECTED_OUTCOME",
        _set("conversation_metadata.expected_outcome", _DELETE),
        "conversation_metadata.expected_outcome",
    ),
    ("TURN_NUMBER_MISMATCH", _set("turns.1.turn_number", 5), "turns[1].turn_number"),
    ("ROLE_NOT_ALTERNATING", _set("turns.1.role", "user"), "turns[1].role"),
    ("SHORT_CONTENT", _set("turns.1.content", "Ok."), "turns[1].content"),
    ("EXTREME_INTENSITY", _set("turns.1.emotional_context.intensity", 1.0), "turns[1].emotional_context.intensity"),
    (
        "MISSING_SECONDARY_EMOTION",
        _set("turns.0.emotional_context.secondary_emotion", _DELETE),
        "turns[0].emotional_context.secondary_emotion",
    ),
]


def test_the_reference_fixture_is_valid_without_warnings(raw: dict[str, Any]) -> None:
    report = _report(raw)
    assert report.is_valid and not report.has_warnings
    assert report.summary == "Validation passed: no issues detected."


def test_broken_json_is_a_single_syntax_blocker() -> None:
    data, report = validate('{"turns": [', "c1", AT)
    assert data is None and not report.is_valid
    assert [(b.code, b.field) for b in report.blockers] == [("INVALID_JSON_SYNTAX", "root")]


@pytest.mark.parametrize(("code", "change", "field"), BLOCKER_CASES, ids=[c[0] for c in BLOCKER_CASES])
def test_each_blocker_code_names_its_field_and_fails_validation(raw, code, change, field) -> None:
    change(raw)
    report = _report(raw)
    assert not report.is_valid and report.has_blockers
    assert (code, field) in [(b.code, b.field) for b in report.blockers]


@pytest.mark.parametrize(("code", "change", "field"), WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_each_warning_code_is_reported_but_validation_passes(raw, code, change, field) -> None:
    change(raw)
    report = _report(raw)
    assert report.is_valid and report.has_warnings
    assert [(w.code, w.field) for w in report.warnings] == [(code, field)]


def test_every_code_has_a_case() -> None:
    covered = {c[0] for c in BLOCKER_CASES + WARNING_CASES} | {"INVALID_JSON_SYNTAX"}
    assert covered == set(BLOCKER_CODES) | set(WARNING_CODES)


def test_per_turn_checks_are_skipped_below_two_turns(raw: dict[str, Any]) -> None:
    raw["turns"] = [{"role": "robot"}]
    assert _report(raw).codes() == ["INSUFFICIENT_TURNS"]
