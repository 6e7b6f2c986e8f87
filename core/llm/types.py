"""The shapes that cross the Claude boundary: a request we can build without the SDK, and its reply.

A ``MessageRequest`` is plain data: single generation sends it through ``ClaudeClient.create_message``;
the Message Batches mode puts ``to_params()`` into a batch item unchanged, so both modes send the same body.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, Field


class SystemBlock(BaseModel):
    """One block of the ``system`` prompt; ``cache`` marks the stable prefix for prompt caching."""

    text: str
    cache: bool = False

    def to_param(self) -> dict[str, Any]:
        block: dict[str, Any] = {"type": "text", "text": self.text}
        if self.cache:
            block["cache_control"] = {"type": "ephemeral"}
        return block


class MessageRequest(BaseModel):
    """Everything one Messages API call needs.

    ``temperature`` is recorded (provenance, failure reports) but not sent: API version 2026-10-21, which
    anthropic 2.x speaks, refuses every sampling parameter with a 400, and the SDK no longer accepts it.
    """

    model: str
    max_tokens: int = Field(ge=1)
    system: list[SystemBlock] = Field(default_factory=list)
    messages: list[dict[str, Any]]
    temperature: float | None = Field(default=None, ge=0.0, le=1.0)
    output_schema: dict[str, Any] | None = None

    @property
    def system_text(self) -> str:
        """The system prompt exactly as the model reads it (the blocks joined without separators)."""
        return "".join(block.text for block in self.system)

    @property
    def user_text(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == "user")

    def to_params(self) -> dict[str, Any]:
        """The Messages API body (also the ``params`` of a Message Batches request)."""
        params: dict[str, Any] = {"model": self.model, "max_tokens": self.max_tokens, "messages": self.messages}
        if self.system:
            params["system"] = [block.to_param() for block in self.system]
        if self.output_schema is not None:
            params["output_config"] = {"format": {"type": "json_schema", "schema": self.output_schema}}
        return params


class LLMUsage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


class LLMReply(BaseModel):
    """What Claude answered, with what it cost us to ask."""

    text: str
    stop_reason: str | None = None
    model: str = ""
    message_id: str | None = None
    request_id: str | None = None
    usage: LLMUsage = Field(default_factory=LLMUsage)
    latency_ms: int = 0
    retries: int = 0

    def summary(self) -> dict[str, Any]:
        """The reply without its text, as stored in logs and failure records."""
        return {
            "id": self.message_id,
            "request_id": self.request_id,
            "model": self.model,
            "stop_reason": self.stop_reason,
            "usage": self.usage.model_dump(),
            "latency_ms": self.latency_ms,
        }


class MessageClient(Protocol):
    """What generation needs from a Claude client (``ClaudeClient`` implements it)."""

    def create_message(
        self, request: MessageRequest, *, max_retries: int | None = None, timeout_s: float | None = None
    ) -> LLMReply: ...


# -- Message Batches (used by core.batch.message_batches) -------------------------------------------------
class MessageBatchInfo(BaseModel):
    """The state of one Message Batches API batch."""

    id: str
    processing_status: str  # in_progress | canceling | ended
    request_counts: dict[str, int] = Field(default_factory=dict)
    ended: bool = False


class MessageBatchResult(BaseModel):
    """One request's result: a reply (``succeeded``), or why there is none (errored, canceled, expired)."""

    custom_id: str
    result_type: str
    reply: LLMReply | None = None
    error_type: str | None = None
    error_message: str | None = None
