"""The spec pipeline's Claude calls: what is sent, what it is expected to cost, and running one call.

A call is planned first (:class:`PlannedCall`: the exact request, the prompt as one text a person can
copy, an estimate), with no key and no spend. Running it streams the reply (long outputs need
streaming); a reply cut off at ``max_tokens`` is continued from where it stopped, up to
:data:`MAX_CONTINUATIONS` times, and is otherwise a failure: never a cut-off file saved as done. Every
call leaves a ``generation_logs`` row (``call_log()``), and every unusable answer a failure record, as
conversation generation does.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from core.calls import CallLedger
from core.errors import LLMError
from core.generation.failures import FailureInfo, record_failure
from core.llm.pricing import cost_usd
from core.llm.retry import backoff_s, is_transient
from core.llm.types import LLMReply, MessageRequest
from core.models.logs import CallStatus, GenerationLog
from core.models.statuses import Call, call_status
from core.settings import Settings
from core.spec.call_plan import (
    EXECUTE_MAX_TOKENS,
    INTEGRATE_MAX_TOKENS,
    MAX_CONTINUATIONS,
    PlannedCall,
    SpecClient,
    continuation,
    plan_call,
)
from core.storage.ports import FailureWriter
from core.storage.ports.blobs import BlobStore


@dataclass
class CallContext:
    """Where calls are logged and failures recorded, the client to use, and the prices."""

    failures: FailureWriter
    blobs: BlobStore
    settings: Settings
    client: Callable[[], SpecClient]
    #: Each call's row, written before it goes out (built once by the composition root).
    ledger: CallLedger
    created_by: str | None = None
    project_id: str | None = None
    retry_delay: Callable[[int, float | None], float] = backoff_s


class CallOutcome(BaseModel):
    """A finished call: the whole text (continuations joined) or why there is none, and what it cost."""

    key: str
    text: str | None = None
    error: str | None = None
    cost_usd: float = 0.0
    calls: int = 0
    continued: int = 0

    @property
    def ok(self) -> bool:
        return self.text is not None


def run_call(ctx: CallContext, planned: PlannedCall, purpose: str, *, first: LLMReply | None = None) -> CallOutcome:
    """Stream ``planned`` (or start from ``first``, a Message Batches reply) and continue it until it ends.

    Never raises for a model problem: an API error, a refusal or a reply still cut off after
    :data:`MAX_CONTINUATIONS` continuations is logged, recorded as a failure and returned as ``error``.
    """
    outcome = CallOutcome(key=planned.key)
    text = ""
    request = planned.request
    for attempt in range(MAX_CONTINUATIONS + 1):
        if attempt:
            request = continuation(planned.request, text)
        reply = first if attempt == 0 and first is not None else None
        entry: GenerationLog | None = None
        if reply is None:
            sent = _send(ctx, planned, purpose, request)
            if isinstance(sent, LLMError):
                return _call_failed(ctx, planned, request, sent, outcome)
            reply, entry = sent
        batch = attempt == 0 and first is not None
        cost = cost_usd(reply.model or request.model, reply.usage, ctx.settings.prices_per_mtok, batch=batch)
        outcome.cost_usd = round(outcome.cost_usd + cost, 6)
        outcome.calls += 1
        text += reply.text
        if reply.stop_reason == "max_tokens" and attempt < MAX_CONTINUATIONS:
            _log(ctx, planned, purpose, request, reply, cost, Call.SUCCESS, None, entry=entry)
            outcome.continued += 1
            continue
        problem = _problem(reply, attempt)
        _log(
            ctx, planned, purpose, request, reply, cost, Call.FAILED if problem else Call.SUCCESS, problem, entry=entry
        )
        if problem is not None:
            _fail(ctx, planned, request, reply, problem, text)
            outcome.error = problem.message
            return outcome
        outcome.text = text
        return outcome
    raise AssertionError("unreachable: the loop returns on its last attempt")


def _problem(reply: LLMReply, attempt: int) -> FailureInfo | None:
    if reply.stop_reason == "max_tokens":
        return FailureInfo(
            "truncation",
            f"Claude's answer was still cut off after {attempt} continuation(s); nothing was saved.",
            pattern="max_tokens",
            details=f"stop_reason=max_tokens after {attempt} continuation(s)",
        )
    if reply.stop_reason not in ("end_turn", "stop_sequence"):
        return FailureInfo(
            "api_error",
            f"Claude stopped with '{reply.stop_reason}' instead of finishing; nothing was saved.",
            details=f"stop_reason={reply.stop_reason}",
        )
    if not reply.text.strip():
        return FailureInfo("parse_error", "Claude's answer was empty; nothing was saved.")
    return None


def _send(
    ctx: CallContext, planned: PlannedCall, purpose: str, request: MessageRequest
) -> tuple[LLMReply, GenerationLog] | LLMError:
    """One streamed call: its log row is written ``sent`` before it goes out and completed if it fails;
    transient errors are retried here (not inside the SDK), each retry with a row of its own."""
    retries = ctx.settings.max_retries
    for retry in range(retries + 1):
        entry = ctx.ledger.begin(
            model=request.model,
            estimate_cost=0.0,
            purpose=purpose,
            created_by=ctx.created_by,
            retry_attempt=retry,
            request_payload=_payload(ctx, planned, request),
        )
        started = time.perf_counter()
        try:
            return ctx.client().stream_message(request, max_retries=0), entry
        except LLMError as err:
            latency = round((time.perf_counter() - started) * 1000)
            ctx.ledger.complete(
                entry,
                reply=None,
                status=call_status(err.code),
                error_message=err.message,
                error_code="api_error",
                latency_ms=latency,
                request_id=err.request_id,
            )
            if retry < retries and is_transient(err):
                time.sleep(ctx.retry_delay(retry, err.retry_after))
                continue
            return err
    raise AssertionError("unreachable: the last attempt returns")


def _payload(ctx: CallContext, planned: PlannedCall, request: MessageRequest) -> dict[str, Any]:
    return {
        "spec_project_id": ctx.project_id,
        "step": planned.key,
        "label": planned.label,
        "model": request.model,
        "max_tokens": request.max_tokens,
        "messages": len(request.messages),
        "prompt_length": len(request.user_text),
        "system_prompt_length": len(request.system_text),
    }


def _call_failed(
    ctx: CallContext, planned: PlannedCall, request: MessageRequest, err: LLMError, outcome: CallOutcome
) -> CallOutcome:
    """The call's log rows are written already (``_send``); record the failure and stop this step."""
    info = FailureInfo(
        "api_error", err.message, details=err.code, stack="".join(traceback.format_exception(err, limit=5))
    )
    _fail(ctx, planned, request, None, info, "")
    outcome.error = err.user_message
    return outcome


def _log(
    ctx: CallContext,
    planned: PlannedCall,
    purpose: str,
    request: MessageRequest,
    reply: LLMReply,
    cost: float,
    status: CallStatus,
    problem: FailureInfo | None,
    *,
    entry: GenerationLog | None = None,
) -> None:
    """Complete the call's ``sent`` row; a Message Batches reply (no row yet) gets its row now."""
    ledger = ctx.ledger
    if entry is None:
        entry = ledger.begin(
            model=request.model,
            estimate_cost=0.0,
            purpose=purpose,
            created_by=ctx.created_by,
            request_payload=_payload(ctx, planned, request),
        )
    ledger.complete(
        entry,
        reply=reply,
        status=status,
        cost=cost,
        error_message=problem.message if problem else None,
        error_code=problem.failure_type if problem else None,
        response_payload=reply.summary(),
    )


def _fail(
    ctx: CallContext,
    planned: PlannedCall,
    request: MessageRequest,
    reply: LLMReply | None,
    info: FailureInfo,
    text: str,
) -> None:
    if reply is not None and text != reply.text:
        reply = reply.model_copy(update={"text": text})  # the report keeps everything received
    ids: dict[str, str | None] = {"spec_project_id": ctx.project_id, "spec_step": planned.key}
    record_failure(
        ctx.failures,
        ctx.blobs,
        info=info,
        request=request,
        reply=reply,
        ids=ids,
        conversation_id=None,
        created_by=ctx.created_by,
    )


__all__ = [
    "EXECUTE_MAX_TOKENS",
    "INTEGRATE_MAX_TOKENS",
    "CallContext",
    "CallOutcome",
    "PlannedCall",
    "SpecClient",
    "plan_call",
    "run_call",
]
