"""Failure types and stop reasons in plain words: people never see ``max_tokens`` or ``parse_error`` as keys."""

from __future__ import annotations

FAILURE_WORDS = {
    "truncation": "Ran out of room",
    "parse_error": "Reply was not readable",
    "api_error": "Claude could not be reached",
    "validation_error": "Reply had the wrong shape",
}
STOP_WORDS = {
    "end_turn": "Finished its reply",
    "max_tokens": "Hit the reply-length limit",
    "stop_sequence": "Hit a stop marker",
    "tool_use": "Asked to use a tool",
    "refusal": "Declined to answer",
}


def failure_words(value: str | None) -> str:
    return FAILURE_WORDS.get(value or "", (value or "—").replace("_", " ").capitalize())


def stop_words(value: str | None) -> str:
    if not value:
        return "No reply"
    return STOP_WORDS.get(value, value.replace("_", " ").capitalize())
