"""Our reply shapes (``LLMReply``, ``MessageBatchInfo``) from the SDK's objects."""

from __future__ import annotations

from typing import Any

import anthropic

from core.jsonutil import strip_nul
from core.llm.types import LLMReply, LLMUsage, MessageBatchInfo


def batch_info(batch: Any) -> MessageBatchInfo:
    counts = batch.request_counts
    return MessageBatchInfo(
        id=batch.id,
        processing_status=batch.processing_status,
        request_counts={
            k: int(getattr(counts, k)) for k in ("processing", "succeeded", "errored", "canceled", "expired")
        },
        ended=batch.processing_status == "ended",
    )


def reply_from_message(
    message: anthropic.types.Message, *, latency_ms: int = 0, request_id: str | None = None, retries: int = 0
) -> LLMReply:
    """Our reply shape from an SDK ``Message`` (also what a Message Batches result holds). NUL characters are
    removed from the text (PostgreSQL text refuses them; SQLite would keep them), the same on both backends."""
    text = strip_nul("\n".join(block.text for block in message.content if block.type == "text"))
    usage = message.usage
    return LLMReply(
        text=text,
        stop_reason=message.stop_reason,
        model=str(message.model),
        message_id=message.id,
        request_id=request_id or getattr(message, "_request_id", None),
        usage=LLMUsage(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read_input_tokens or 0,
            cache_write_tokens=usage.cache_creation_input_tokens or 0,
        ),
        latency_ms=latency_ms,
        retries=retries,
    )
