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
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anthropic
import httpx
from anthropic.resources.messages.messages import DEPRECATED_MODELS
from anthropic.types.model_param import ModelParam
from pydantic import BaseModel

from core.errors import LLMError, LLMUnavailableError
from core.jsonutil import strip_nul
from core.llm.redact import redact
from core.llm.retry import backoff_s
from core.llm.types import LLMReply, LLMUsage, MessageBatchInfo, MessageBatchResult, MessageRequest
from core.settings import Settings

try:  # the SDK reads through httpx2, its fork of httpx; older SDKs used httpx itself
    import httpx2 as _sdk_http
except ImportError:  # pragma: no cover - depends on the installed SDK
    _sdk_http = httpx  # type: ignore[misc,no-redef]

#: A connection that broke while the answer was being read (not one that could not be made at all).
_BROKEN_READ = (httpx.ReadError, httpx.RemoteProtocolError, _sdk_http.ReadError, _sdk_http.RemoteProtocolError)
_TRANSPORT = (httpx.TransportError, _sdk_http.TransportError)

#: The first pause before an answer that broke off is sent again (doubling after), as the SDK's own retries.
BAD_REPLY_RETRY_S = 0.5
KEY_HINT = "Set ANTHROPIC_API_KEY in the environment or in .streamlit/secrets.toml, then try again."


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


def _retry_after(headers: Any) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms`` first, then ``retry-after``)."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name) if headers is not None else None
        if value is None:
            continue
        try:
            return float(value) / scale
        except (TypeError, ValueError):
            continue
    return None


def _status_error(err: anthropic.APIStatusError, secret: str | None = None) -> LLMError:
    """Map an HTTP error from the API to a project error that says what to do (the key redacted)."""
    status = err.status_code
    detail = redact(str(err.api_message or err.message), secret)
    common: dict[str, Any] = {
        "status_code": status,
        "retry_after": _retry_after(err.response.headers),
        "request_id": err.request_id,
    }
    if status in (401, 403):
        return LLMUnavailableError(
            f"Claude refused the API key ({status}): {detail}", hint=KEY_HINT, code="auth", **common
        )
    if status == 429:
        return LLMUnavailableError(
            "Claude's rate limit was reached and retries did not get through.",
            hint="Wait a minute, or lower the batch's concurrency.",
            code="rate_limited",
            **common,
        )
    if status == 529:
        return LLMUnavailableError(
            "Claude is overloaded right now (529) and retries did not get through.",
            hint="Try again in a few minutes.",
            code="overloaded",
            **common,
        )
    if status == 404:
        return LLMError(
            f"Claude does not know this model or route ({detail}).",
            hint="Check the model name in the app's settings.",
            terminal_hint="Check the model name (BRIGHTRUN_MODEL).",
            code="not_found",
            **common,
        )
    if status >= 500:
        return LLMError(
            f"Claude had a server error ({status}): {detail}", hint="Try again shortly.", code="server_error", **common
        )
    return LLMError(f"Claude refused the request ({status}): {detail}", code=err.type or "invalid_request", **common)


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
        with _api_errors(self._secret, timeout_s or self._client.timeout), _sdk_deprecation_quiet(params):
            raw = client.messages.with_raw_response.create(**params)
            message = raw.parse()
            latency_ms = round((time.perf_counter() - started) * 1000)
            return reply_from_message(
                message, latency_ms=latency_ms, request_id=raw.request_id, retries=raw.retries_taken
            )

    def _stream(self, client: anthropic.Anthropic, request: MessageRequest, timeout_s: float | None) -> LLMReply:
        started = time.perf_counter()
        params = request.to_params()
        with _api_errors(self._secret, timeout_s or self._client.timeout), _sdk_deprecation_quiet(params):
            with _stream_faults(), client.messages.stream(**params) as stream:
                message = stream.get_final_message()
                request_id = stream.request_id
            if message.stop_reason is None:  # the events ended before message_delta: a connection closed early
                raise _cut_off()
            latency_ms = round((time.perf_counter() - started) * 1000)
            return reply_from_message(message, latency_ms=latency_ms, request_id=request_id)

    # -- Message Batches (additive; used by core.batch.message_batches) ---------------------------------
    def create_message_batch(self, requests: list[tuple[str, MessageRequest]]) -> MessageBatchInfo:
        """Send ``(custom_id, request)`` pairs as one batch (the caller keeps within the API's limits)."""
        params = [request.to_params() for _, request in requests]
        body = [{"custom_id": custom_id, "params": p} for (custom_id, _), p in zip(requests, params, strict=True)]
        with _api_errors(self._secret), _sdk_deprecation_quiet(*params):
            batch = self._client.messages.batches.create(requests=body)  # type: ignore[arg-type]
        return _batch_info(batch)

    def retrieve_message_batch(self, batch_id: str) -> MessageBatchInfo:
        with _api_errors(self._secret):
            return _batch_info(self._client.messages.batches.retrieve(batch_id))

    def cancel_message_batch(self, batch_id: str) -> MessageBatchInfo:
        with _api_errors(self._secret):
            return _batch_info(self._client.messages.batches.cancel(batch_id))

    def message_batch_results(self, batch_id: str) -> list[MessageBatchResult]:
        """Every result of an ended batch."""
        found: list[MessageBatchResult] = []
        with _api_errors(self._secret):
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


#: What every answer that broke off says, streamed or not (the plain words of a failure record).
CUT_OFF_MESSAGE = "The connection closed before Claude finished, so Claude's answer could not be read."


def _cut_off(*, code: str = "bad_reply") -> LLMError:
    """What went wrong technically stays out of the message: it is read by people, on pages and in failure
    records, and says nothing they can act on."""
    return LLMError(
        CUT_OFF_MESSAGE,
        hint="This is usually a proxy or network fault; it is retried, and recorded if it persists.",
        code=code,
    )


@contextmanager
def _stream_faults() -> Iterator[None]:
    """A stream that breaks: the SDK asserts on events it did not expect (a proxy's plain JSON body answering a
    stream), and a connection dropped mid-stream surfaces as httpx's own error, not the SDK's."""
    try:
        yield
    except AssertionError:
        raise _cut_off() from None
    except _TRANSPORT:  # a connection dropped mid-stream reaches us as the HTTP library's own error
        raise _cut_off() from None


#: What a reply that is not a Messages API body raises while the SDK or we read it (a cut JSON body, an HTML
#: page from a proxy, a body with fields missing).
BAD_REPLY_ERRORS = (anthropic.APIResponseValidationError, ValueError, TypeError, AttributeError, KeyError)


@contextmanager
def _sdk_deprecation_quiet(*requests: dict[str, Any]) -> Iterator[None]:
    """Silence the SDK's DeprecationWarning for a retired model (we report those ourselves, with a message
    people see: ``core.llm.models``), only when a request names one: ``catch_warnings`` swaps the process-wide
    filters (not thread-safe, and it resets every module's warning cache), too dear on every call of a batch."""
    if not any(request.get("model") in DEPRECATED_MODELS for request in requests):
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


@contextmanager
def _api_errors(secret: str | None, timeout_s: object = None) -> Iterator[None]:
    """SDK errors, and replies that are not a Messages API body, as project errors; the key is redacted
    from every message. The original exception is not chained (its text may hold the key)."""
    try:
        yield
    except anthropic.APIStatusError as err:
        raise _status_error(err, secret) from None
    except anthropic.APITimeoutError:
        raise LLMUnavailableError(
            f"Claude did not answer within {timeout_s} seconds.",
            hint="Try again in a moment. If it keeps happening, whoever runs the app can allow Claude more time.",
            code="timeout",
        ) from None
    except anthropic.APIConnectionError as err:
        if isinstance(err.__cause__, _BROKEN_READ):  # it answered, then the connection closed midway; the SDK
            raise _cut_off(code="connection") from None  # retried it already (code "connection": not again here)
        raise LLMUnavailableError(
            redact(f"Claude could not be reached: {err}", secret),
            hint="Check the network connection, then try again.",
            terminal_hint="Check the network connection (and ANTHROPIC_BASE_URL if you set one).",
            code="connection",
        ) from None
    except BAD_REPLY_ERRORS:
        raise _cut_off() from None


def _batch_info(batch: Any) -> MessageBatchInfo:
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
