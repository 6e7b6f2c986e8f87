"""Planning a spec pipeline Claude call: the exact request, the prompt as one text a person can copy, and
what it is expected to cost, with no key and no spend (:class:`PlannedCall`). Running it:
``core.spec.claude_calls``."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel

from core.errors import SpecError
from core.llm.pricing import cost_usd, estimate_tokens
from core.llm.types import LLMReply, LLMUsage, MessageBatchInfo, MessageBatchResult, MessageRequest, SystemBlock
from core.settings import Settings

#: Every current Claude model reads at least this many tokens (input and output together).
CONTEXT_TOKENS = 200_000
#: The least room left for the answer before a prompt counts as too large.
MIN_OUTPUT_TOKENS = 4_000
INTEGRATE_MAX_TOKENS = 64_000
EXECUTE_MAX_TOKENS = 32_000
MAX_CONTINUATIONS = 3
CONTINUE_PROMPT = (
    "Your answer was cut off by the output limit. Continue exactly where it stopped, mid-sentence if need "
    "be: repeat nothing and add no preamble."
)


class SpecClient(Protocol):
    """What the spec pipeline needs from a Claude client (``core.llm.claude.ClaudeClient``)."""

    def stream_message(
        self, request: MessageRequest, *, max_retries: int | None = None, timeout_s: float | None = None
    ) -> LLMReply: ...

    def create_message_batch(self, requests: list[tuple[str, MessageRequest]]) -> MessageBatchInfo: ...

    def retrieve_message_batch(self, batch_id: str) -> MessageBatchInfo: ...

    def message_batch_results(self, batch_id: str) -> list[MessageBatchResult]: ...


class PlannedCall(BaseModel):
    """One call before it is made: the request, the prompt as a person would paste it, the estimate."""

    key: str  # "integrate", or a section code such as "E03"
    label: str
    request: MessageRequest
    estimated_input_tokens: int
    estimated_output_tokens: int
    estimate_usd: float

    @property
    def prompt_text(self) -> str:
        """The exact prompt: the shared context (system) first, then the request."""
        system = self.request.system_text
        return f"{system}\n\n---\n\n{self.request.user_text}" if system else self.request.user_text


def fit_max_tokens(label: str, input_tokens: int, wanted: int) -> int:
    """``wanted`` output tokens, or fewer so input and output fit the context; SpecError when nothing fits."""
    room = CONTEXT_TOKENS - input_tokens
    if room < MIN_OUTPUT_TOKENS:
        raise SpecError(
            f"{label} is too large for the model's context: about {input_tokens:,} tokens of input, and the "
            f"model reads at most {CONTEXT_TOKENS:,} including its answer. Nothing was sent.",
            hint="Split the section (or the spec) into smaller parts, then try again.",
        )
    return min(wanted, room)


def plan_call(
    key: str,
    label: str,
    *,
    model: str,
    user: str,
    system: str,
    cache_system: bool,
    expected_output: int,
    max_tokens: int,
    settings: Settings,
    cache_read: bool = False,
    batch: bool = False,
) -> PlannedCall:
    """A :class:`PlannedCall` whose estimate counts the cached system block as written or read."""
    system_tokens, user_tokens = estimate_tokens(system), estimate_tokens(user)
    limit = fit_max_tokens(label, system_tokens + user_tokens, max_tokens)
    output = min(expected_output, limit)
    if cache_system:
        cached = {"cache_read_tokens" if cache_read else "cache_write_tokens": system_tokens}
        usage = LLMUsage(input_tokens=user_tokens, output_tokens=output, **cached)
    else:
        usage = LLMUsage(input_tokens=system_tokens + user_tokens, output_tokens=output)
    request = MessageRequest(
        model=model,
        max_tokens=limit,
        system=[SystemBlock(text=system, cache=cache_system)] if system else [],
        messages=[{"role": "user", "content": user}],
    )
    return PlannedCall(
        key=key,
        label=label,
        request=request,
        estimated_input_tokens=system_tokens + user_tokens,
        estimated_output_tokens=output,
        estimate_usd=cost_usd(model, usage, settings.prices_per_mtok, batch=batch),
    )


def continuation(request: MessageRequest, text_so_far: str) -> MessageRequest:
    """The request that asks for the rest of a reply cut off at ``max_tokens``."""
    first = request.messages[:1]
    messages = [*first, {"role": "assistant", "content": text_so_far}, {"role": "user", "content": CONTINUE_PROMPT}]
    return request.model_copy(update={"messages": messages})
