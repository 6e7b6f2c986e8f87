"""Which failed calls are worth retrying, and how long to wait (shared by single generation and batches)."""

from __future__ import annotations

import random

from core.errors import LLMError

THROTTLE_STATUSES = (429, 529)
TRANSIENT_STATUSES = (408, 409, 500, 502, 503, 504)
TRANSIENT_CODES = ("timeout", "connection", "rate_limited", "overloaded", "server_error", "bad_reply")
BASE_DELAY_S = 1.0
MAX_DELAY_S = 60.0


def is_throttle(err: LLMError) -> bool:
    return err.status_code in THROTTLE_STATUSES or err.code in ("rate_limited", "overloaded")


def is_transient(err: LLMError) -> bool:
    """Worth retrying: throttling, timeouts, dropped connections, server errors, a garbled reply body."""
    return is_throttle(err) or err.status_code in TRANSIENT_STATUSES or err.code in TRANSIENT_CODES


def backoff_s(
    attempt: int, retry_after: float | None, rng: random.Random | None = None, *, base_s: float = BASE_DELAY_S
) -> float:
    """``retry-after`` (at most 60 s) when the server gave one, else ``base_s`` (1 s) × 2^attempt, capped at 60 s,
    with ±10% jitter on top (so up to 66 s)."""
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, MAX_DELAY_S)
    delay = min(base_s * 2**attempt, MAX_DELAY_S)
    return delay * (0.9 + 0.2 * (rng or random).random())
