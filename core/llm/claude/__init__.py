"""The Claude adapter: the only module that imports ``anthropic``.

It uses the SDK's own configuration (``ANTHROPIC_API_KEY`` / ``ANTHROPIC_BASE_URL`` work as in any
anthropic app); values from settings, which also read ``.streamlit/secrets.toml``, are passed explicitly
when set. Retries are the SDK's (it honours ``retry-after``); a caller that does its own backoff passes
``max_retries=0`` and reads ``status_code`` / ``retry_after`` from the raised error.

SDK errors become project errors:
- ``LLMUnavailableError``: no or refused key, network down, timeout, rate limit or overload after retries;
- ``LLMError``: any other refused request (bad request, unknown model, server error), and an answer that broke
  off: a stream cut before Claude said why it stopped, a stream answered with something else (a proxy's plain
  JSON body), a body cut midway. These carry code ``bad_reply``, which callers retry like a 5xx.
"""

from __future__ import annotations

import time
import typing
from typing import Any

import anthropic
from anthropic.resources.messages.messages import DEPRECATED_MODELS
from anthropic.types.model_param import ModelParam
from pydantic import BaseModel

from core.errors import LLMError, LLMUnavailableError
from core.llm.claude.errors import (
    BAD_REPLY_ERRORS,
    CUT_OFF_MESSAGE,
    KEY_HINT,
    api_errors,
    cut_off,
    sdk_deprecation_quiet,
    stream_faults,
)
from core.llm.claude.replies import batch_info, reply_from_message
from core.llm.redact import redact
from core.llm.retry import backoff_s
from core.llm.types import LLMReply, MessageBatchInfo, MessageBatchResult, MessageRequest
from core.settings import Settings

__all__ = [
    "BAD_REPLY_ERRORS",
    "BAD_REPLY_RETRY_S",
    "CUT_OFF_MESSAGE",
    "KEY_HINT",
    "ClaudeClient",
    "deprecated_models",
    "known_models",
    "reply_from_message",
    "strict_json_schema",
]

#: The first pause before an answer that broke off is sent again (doubling after), as the SDK's own retries.
BAD_REPLY_RETRY_S = 0.5


def known_models() -> tuple[str, ...]:
    """Model names the installed SDK lists (the literal part of ``ModelParam``)."""
    literal = next(arg for arg in typing.get_args(ModelParam) if typing.get_origin(arg) is typing.Literal)
    return tuple(str(name) for name in typing.get_args(literal))


def deprecated_models() -> dict[str, str]:
    """Model name -> end-of-life date, as the installed SDK lists them."""
    return dict(DEPRECATED_MODELS)


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of ``model`` in the subset structured outputs accept (the SDK's own transform)."""
    return anthropic.transform_schema(model)


class ClaudeClient:
    """A small interface over the Messages API."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout_s: float = 180.0,
        max_retries: int = 3,
    ) -> None:
        self._variants: dict[tuple[int | None, float | None], anthropic.Anthropic] = {}
        self._client = anthropic.Anthropic(
            api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=max_retries
        )
        self._secret = api_key

    @classmethod
    def from_settings(cls, settings: Settings) -> ClaudeClient:
        """A client from settings; no key at all raises ``LLMUnavailableError`` with the fix."""
        if not settings.has_claude_key or settings.anthropic_api_key is None:
            raise LLMUnavailableError("No Claude API key is configured.", hint=KEY_HINT, code="missing_api_key")
        return cls(
            api_key=settings.anthropic_api_key.get_secret_value().strip(),
            base_url=settings.anthropic_base_url or None,
            timeout_s=settings.request_timeout_s,
            max_retries=settings.max_retries,
        )

    def _options(self, max_retries: int | None, timeout_s: float | None) -> anthropic.Anthropic:
        """The client with per-call retries and timeout, when a call asks for them. Each variant is made
        once and kept (it shares the connection pool): copying the SDK client on every call costs time."""
        if max_retries is None and timeout_s is None:
            return self._client
        key = (max_retries, timeout_s)
        client = self._variants.get(key)
        if client is None:
            options: dict[str, Any] = {"max_retries": max_retries} if max_retries is not None else {}
            if timeout_s is not None:
                options["timeout"] = timeout_s
            client = self._variants[key] = self._client.with_options(**options)
        return client

    def create_message(
        self, request: MessageRequest, *, max_retries: int | None = None, timeout_s: float | None = None
    ) -> LLMReply:
        """Send one request and return the reply; ``max_retries=0`` turns the SDK's retries off."""
        return self._with_retries(self._create, request, max_retries, timeout_s)

    def stream_message(
        self, request: MessageRequest, *, max_retries: int | None = None, timeout_s: float | None = None
    ) -> LLMReply:
        """Send one request as a stream and return the whole reply (long outputs need streaming).

        The same errors and options as :meth:`create_message`; the reply's ``stop_reason`` says whether it
        was cut off at ``max_tokens``. A stream that broke off raises ``LLMError`` (code ``bad_reply``).
        """
        return self._with_retries(self._stream, request, max_retries, timeout_s)

    def _with_retries(
        self,
        send: typing.Callable[[anthropic.Anthropic, MessageRequest, float | None], LLMReply],
        request: MessageRequest,
        max_retries: int | None,
        timeout_s: float | None,
    ) -> LLMReply:
        """The SDK retries what the server refused; an answer that broke off (which the SDK never retries) is
        retried here as often, so a caller that leaves retries to the client gets them for both."""
        client = self._options(max_retries, timeout_s)
        for attempt in range(client.max_retries + 1):
            try:
                return send(client, request, timeout_s)
            except LLMError as err:
                if err.code != "bad_reply" or attempt >= client.max_retries:
                    raise
                time.sleep(backoff_s(attempt, None, base_s=BAD_REPLY_RETRY_S))
        raise AssertionError("not reached: the last attempt returns or raises")

    def _create(self, client: anthropic.Anthropic, request: MessageRequest, timeout_s: float | None) -> LLMReply:
        started = time.perf_counter()
        params = request.to_params()
        with api_errors(self._secret, timeout_s or self._client.timeout), sdk_deprecation_quiet(params):
            raw = client.messages.with_raw_response.create(**params)
            message = raw.parse()
            latency_ms = round((time.perf_counter() - started) * 1000)
            return reply_from_message(
                message, latency_ms=latency_ms, request_id=raw.request_id, retries=raw.retries_taken
            )

    def _stream(self, client: anthropic.Anthropic, request: MessageRequest, timeout_s: float | None) -> LLMReply:
        started = time.perf_counter()
        params = request.to_params()
        with api_errors(self._secret, timeout_s or self._client.timeout), sdk_deprecation_quiet(params):
            with stream_faults(), client.messages.stream(**params) as stream:
                message = stream.get_final_message()
                request_id = stream.request_id
            if message.stop_reason is None:  # the events ended before message_delta: a connection closed early
                raise cut_off()
            latency_ms = round((time.perf_counter() - started) * 1000)
            return reply_from_message(message, latency_ms=latency_ms, request_id=request_id)

    # -- Message Batches (additive; used by core.batch.message_batches) ---------------------------------
    def create_message_batch(self, requests: list[tuple[str, MessageRequest]]) -> MessageBatchInfo:
        """Send ``(custom_id, request)`` pairs as one batch (the caller keeps within the API's limits)."""
        params = [request.to_params() for _, request in requests]
        body = [{"custom_id": custom_id, "params": p} for (custom_id, _), p in zip(requests, params, strict=True)]
        with api_errors(self._secret), sdk_deprecation_quiet(*params):
            batch = self._client.messages.batches.create(requests=body)  # type: ignore[arg-type]
        return batch_info(batch)

    def retrieve_message_batch(self, batch_id: str) -> MessageBatchInfo:
        with api_errors(self._secret):
            return batch_info(self._client.messages.batches.retrieve(batch_id))

    def cancel_message_batch(self, batch_id: str) -> MessageBatchInfo:
        with api_errors(self._secret):
            return batch_info(self._client.messages.batches.cancel(batch_id))

    def message_batch_results(self, batch_id: str) -> list[MessageBatchResult]:
        """Every result of an ended batch."""
        found: list[MessageBatchResult] = []
        with api_errors(self._secret):
            for entry in self._client.messages.batches.results(batch_id):
                result = entry.result
                if result.type == "succeeded":
                    reply = reply_from_message(result.message)
                    found.append(MessageBatchResult(custom_id=entry.custom_id, result_type="succeeded", reply=reply))
                elif result.type == "errored":
                    error = result.error.error
                    errored = MessageBatchResult(
                        custom_id=entry.custom_id,
                        result_type="errored",
                        error_type=error.type,
                        error_message=redact(error.message, self._secret),
                    )
                    found.append(errored)
                else:
                    found.append(MessageBatchResult(custom_id=entry.custom_id, result_type=result.type))
        return found
