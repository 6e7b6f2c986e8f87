"""How the Claude adapter turns what the SDK raises, and replies that are not a Messages API body, into project
errors (``LLMUnavailableError`` / ``LLMError``), the key redacted from every message."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anthropic
from anthropic.resources.messages.messages import DEPRECATED_MODELS

from core.errors import LLMError, LLMUnavailableError
from core.llm.redact import redact

# The SDK reads through httpx2, its fork of httpx (it never imports httpx itself); older SDKs used httpx. Only the
# one the SDK uses is imported: importing httpx also loads its command-line tool (rich, click, pygments) when
# those are installed, a quarter of a second at every start of a command that calls Claude.
try:
    import httpx2 as _sdk_http
except ImportError:  # pragma: no cover - depends on the installed SDK
    import httpx as _sdk_http  # type: ignore[no-redef]

#: A connection that broke while the answer was being read (not one that could not be made at all).
_BROKEN_READ = (_sdk_http.ReadError, _sdk_http.RemoteProtocolError)
_TRANSPORT = (_sdk_http.TransportError,)

KEY_HINT = "Set ANTHROPIC_API_KEY in the environment or in .streamlit/secrets.toml, then try again."


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


def status_error(err: anthropic.APIStatusError, secret: str | None = None) -> LLMError:
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


#: What every answer that broke off says, streamed or not (the plain words of a failure record).
CUT_OFF_MESSAGE = "The connection closed before Claude finished, so Claude's answer could not be read."


def cut_off(*, code: str = "bad_reply") -> LLMError:
    """What went wrong technically stays out of the message: it is read by people, on pages and in failure
    records, and says nothing they can act on."""
    return LLMError(
        CUT_OFF_MESSAGE,
        hint="This is usually a proxy or network fault; it is retried, and recorded if it persists.",
        code=code,
    )


@contextmanager
def stream_faults() -> Iterator[None]:
    """A stream that breaks: the SDK asserts on events it did not expect (a proxy's plain JSON body answering a
    stream), and a connection dropped mid-stream surfaces as httpx's own error, not the SDK's."""
    try:
        yield
    except AssertionError:
        raise cut_off() from None
    except _TRANSPORT:  # a connection dropped mid-stream reaches us as the HTTP library's own error
        raise cut_off() from None


#: What a reply that is not a Messages API body raises while the SDK or we read it (a cut JSON body, an HTML
#: page from a proxy, a body with fields missing).
BAD_REPLY_ERRORS = (anthropic.APIResponseValidationError, ValueError, TypeError, AttributeError, KeyError)


@contextmanager
def sdk_deprecation_quiet(*requests: dict[str, Any]) -> Iterator[None]:
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
def api_errors(secret: str | None, timeout_s: object = None) -> Iterator[None]:
    """SDK errors, and replies that are not a Messages API body, as project errors; the key is redacted
    from every message. The original exception is not chained (its text may hold the key)."""
    try:
        yield
    except anthropic.APIStatusError as err:
        raise status_error(err, secret) from None
    except anthropic.APITimeoutError:
        raise LLMUnavailableError(
            f"Claude did not answer within {timeout_s} seconds.",
            hint="Try again in a moment. If it keeps happening, whoever runs the app can allow Claude more time.",
            code="timeout",
        ) from None
    except anthropic.APIConnectionError as err:
        if isinstance(err.__cause__, _BROKEN_READ):  # it answered, then the connection closed midway; the SDK
            raise cut_off(code="connection") from None  # retried it already (code "connection": not again here)
        raise LLMUnavailableError(
            redact(f"Claude could not be reached: {err}", secret),
            hint="Check the network connection, then try again.",
            terminal_hint="Check the network connection (and ANTHROPIC_BASE_URL if you set one).",
            code="connection",
        ) from None
    except BAD_REPLY_ERRORS:
        raise cut_off() from None
