"""One ``generation_logs`` row per model call, whoever made the call (generation, judge, batches)."""

from __future__ import annotations

from typing import Any

from core.llm.types import LLMReply
from core.models.logs import GenerationLog


def call_log(*, reply: LLMReply | None, model: str, latency_ms: int = 0, **fields: Any) -> GenerationLog:
    """The log row of one call: usage, latency and stop reason from ``reply`` (when there is one),
    plus the caller's own fields (purpose, ids, cost, status, error, payloads)."""
    usage = reply.usage if reply else None
    return GenerationLog(
        model=reply.model if reply and reply.model else model,
        input_tokens=usage.input_tokens if usage else 0,
        output_tokens=usage.output_tokens if usage else 0,
        cache_read_tokens=usage.cache_read_tokens if usage else 0,
        cache_write_tokens=usage.cache_write_tokens if usage else 0,
        latency_ms=reply.latency_ms if reply else latency_ms,
        stop_reason=reply.stop_reason if reply else None,
        **({"request_id": reply.request_id} if reply else {}) | fields,
    )
