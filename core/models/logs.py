"""What every model call leaves behind: a log row, and for unusable answers a failure record."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from core.models.base import Record
from core.models.statuses import Call, CallStatus

#: ``sent``: the row is written before the call and completed after it; a ``sent`` row left behind is a call
#: whose worker died (billed, never answered here) and still counts toward the job's spend.
FailureType = Literal["truncation", "parse_error", "api_error", "validation_error"]


class GenerationLog(Record):
    """One row per model call (tokens, cost, latency, status)."""

    conversation_id: str | None = None
    job_id: str | None = None
    template_id: str | None = None
    purpose: str = "generate"
    model: str = ""
    request_id: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0
    status: CallStatus = Call.SUCCESS
    stop_reason: str | None = None
    error_message: str | None = None
    error_code: str | None = None
    retry_attempt: int = 0
    request_payload: dict[str, Any] | None = None
    response_payload: dict[str, Any] | None = None
    #: A row the demo dataset wrote (what its conversations would have cost): never real spend.
    is_demo: bool = False


class FailedGeneration(Record):
    """A model answer we could not use (earlier-system.md §1.10, §3.9)."""

    conversation_id: str | None = None
    job_id: str | None = None
    prompt: str = ""
    prompt_length: int = 0
    system_prompt: str | None = None
    model: str = ""
    max_tokens: int = 0
    temperature: float | None = None
    structured_outputs_enabled: bool = True
    raw_response: dict[str, Any] = Field(default_factory=dict)
    response_content: str | None = None
    stop_reason: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    failure_type: FailureType = "api_error"
    truncation_pattern: str | None = None
    truncation_details: str | None = None
    error_message: str | None = None
    error_stack: str | None = None
    raw_file_path: str | None = None
    persona_id: str | None = None
    emotional_arc_id: str | None = None
    training_topic_id: str | None = None
    template_id: str | None = None
