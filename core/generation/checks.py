"""The fail-fast checks on a reply, in order: stop reason, escaped-quote truncation, JSON, schema."""

from __future__ import annotations

import pydantic

from core.conversations.store import parse_reply
from core.conversations.truncation import UNEXPECTED_STOP_REASON, find_truncation
from core.generation.failures import FailureInfo
from core.llm.types import LLMReply
from core.models.conversation import RawConversation
from core.scaffolding.service import describe_validation_error


def check_reply(reply: LLMReply) -> FailureInfo | None:
    """The fail-fast checks, in order: stop reason, escaped-quote truncation, JSON, schema."""
    if reply.stop_reason != "end_turn":
        return FailureInfo(
            "truncation",
            f"Claude stopped with stop_reason '{reply.stop_reason}' instead of 'end_turn'.",
            pattern=UNEXPECTED_STOP_REASON,
            details=f"stop_reason={reply.stop_reason}",
        )
    truncation = find_truncation(reply.text)
    if truncation is not None:
        return FailureInfo(
            "truncation", "The reply was cut off (it ends in an escaped quote).", truncation.pattern, truncation.details
        )
    data, _method, error = parse_reply(reply.text)
    if data is None:
        return FailureInfo("parse_error", f"The reply is not usable JSON: {error}", details=error)
    data = {k: v for k, v in data.items() if k != "input_parameters"}
    try:
        RawConversation.model_validate(data)
    except pydantic.ValidationError as err:
        problems = describe_validation_error(err)
        return FailureInfo(
            "validation_error", "The reply does not match the conversation schema.", details="; ".join(problems)
        )
    return None
