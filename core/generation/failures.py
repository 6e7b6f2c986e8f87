"""Recording a generation that failed: a ``failed_generations`` row and a report file (§3.9).

The report is written first, to ``failed-generation-files/{YYYY}/{MM}/failed-{id}-{timestamp}.json``; if
that upload fails the row is still written, with an empty path. Nothing lands in ``conversations``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from core.errors import BrightRunError
from core.jsonutil import dumps_pretty
from core.llm.types import LLMReply, MessageRequest
from core.models.base import new_id, utcnow
from core.models.logs import FailedGeneration, FailureType
from core.storage.ports import FailureWriter
from core.storage.ports.blobs import FAILED_GENERATION_FILES, BlobStore, failure_report_path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FailureInfo:
    """Why a generation failed, in the vocabulary of ``failed_generations``."""

    failure_type: FailureType
    message: str
    pattern: str | None = None
    details: str | None = None
    stack: str | None = None


def stop_reason_analysis(stop_reason: str | None) -> str:
    if stop_reason == "end_turn":
        return "The model finished naturally, yet the reply looks unusable (unexpected)."
    if stop_reason == "max_tokens":
        return "The reply hit the max_tokens limit."
    if stop_reason is None:
        return "No stop reason is available (the call did not complete)."
    return f"Unknown stop reason '{stop_reason}'."


def conclusion(stop_reason: str | None, output_tokens: int, max_tokens: int) -> str:
    if stop_reason == "max_tokens":
        return f"Truncation was caused by the max_tokens limit ({max_tokens})."
    if max_tokens and (max_tokens - output_tokens) > 0.8 * max_tokens:
        return "The reply ended far below the token limit: the root cause is unknown."
    return "Unclear: review the raw response."


def build_report(
    info: FailureInfo, request: MessageRequest, reply: LLMReply | None, ids: dict[str, str | None], at_iso: str
) -> dict[str, Any]:
    stop = reply.stop_reason if reply else None
    output_tokens = reply.usage.output_tokens if reply else 0
    return {
        "error_report": {
            "failure_type": info.failure_type,
            "error_message": info.message,
            "stop_reason": stop,
            "stop_reason_analysis": stop_reason_analysis(stop),
            "truncation_pattern": info.pattern,
            "truncation_details": info.details,
            "timestamp": at_iso,
            "analysis": {
                "input_tokens": reply.usage.input_tokens if reply else 0,
                "output_tokens": output_tokens,
                "max_tokens_configured": request.max_tokens,
                "tokens_remaining": request.max_tokens - output_tokens,
                "conclusion": conclusion(stop, output_tokens, request.max_tokens),
            },
        },
        "request_context": {
            "model": request.model,
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "structured_outputs_enabled": request.output_schema is not None,
            "prompt_length": len(request.user_text),
            "system_prompt_length": len(request.system_text),
        },
        "raw_response": reply.summary() if reply else {},
        "extracted_content": reply.text if reply else "",
        "scaffolding_context": ids,
    }


def record_failure(
    failures: FailureWriter,
    blobs: BlobStore,
    *,
    info: FailureInfo,
    request: MessageRequest,
    reply: LLMReply | None,
    ids: dict[str, str | None],
    conversation_id: str | None,
    job_id: str | None = None,
    created_by: str | None = None,
) -> FailedGeneration:
    """Write the report blob, then the row; returns the row (``raw_file_path`` is the report)."""
    failure_id, at = new_id(), utcnow()
    path: str | None = failure_report_path(failure_id, at)
    report = build_report(info, request, reply, ids, at.isoformat())
    try:
        blobs.put(FAILED_GENERATION_FILES, str(path), dumps_pretty(report))
    except (BrightRunError, OSError) as err:  # the row matters more than the file
        log.warning("Could not upload the failure report %s: %s", path, err)
        path = None
    row = FailedGeneration(
        id=failure_id,
        created_at=at,
        created_by=created_by,
        conversation_id=conversation_id,
        job_id=job_id,
        prompt=request.user_text,
        prompt_length=len(request.user_text),
        system_prompt=request.system_text,
        model=reply.model if reply and reply.model else request.model,
        max_tokens=request.max_tokens,
        temperature=request.temperature,
        structured_outputs_enabled=request.output_schema is not None,
        raw_response=reply.summary() if reply else {},
        response_content=reply.text if reply else None,
        stop_reason=reply.stop_reason if reply else None,
        input_tokens=reply.usage.input_tokens if reply else 0,
        output_tokens=reply.usage.output_tokens if reply else 0,
        failure_type=info.failure_type,
        truncation_pattern=info.pattern,
        truncation_details=info.details,
        error_message=info.message,
        error_stack=info.stack,
        raw_file_path=path,
        persona_id=ids.get("persona_id"),
        emotional_arc_id=ids.get("emotional_arc_id"),
        training_topic_id=ids.get("training_topic_id"),
        template_id=ids.get("template_id"),
    )
    return failures.record(row)
