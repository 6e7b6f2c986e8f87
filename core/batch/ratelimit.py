"""Client-side limits for one job's calls: requests, input tokens and output tokens per minute, plus
adaptive backoff when Claude says 429 (rate limited) or 529 (overloaded).

Token buckets refill continuously and hold at most a minute's worth. Output tokens are unknown before a
call, so the estimate is taken up front and the difference settled when the reply arrives.

Backoff: a throttled request waits what ``retry-after`` says (else exponential with jitter). A lone 429
holds back only its own request; when throttles become frequent (several in a short window and a real share
of the calls) every lane pauses for the server's delay and the allowed concurrency is halved, then grows
back by one per round of successes (AIMD), so a job settles just under the server's real limit.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from core.llm.retry import backoff_s

Clock = Callable[[], float]
WINDOW_S = 10.0
MIN_THROTTLES = 3
THROTTLE_SHARE = 0.25


class TokenBucket:
    """``per_minute`` units per minute; ``None`` means unlimited. Not thread-safe: the limiter locks."""

    def __init__(self, per_minute: float | None, *, now: float) -> None:
        self.per_minute = per_minute
        self.capacity = float(per_minute or 0)
        self.tokens = self.capacity
        self.updated = now

    def _refill(self, now: float) -> None:
        if self.per_minute:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_minute / 60.0)
        self.updated = now

    def wait_s(self, amount: float, now: float) -> float:
        """Seconds until ``amount`` can be taken (a request bigger than the bucket waits for a full one)."""
        if not self.per_minute:
            return 0.0
        self._refill(now)
        needed = min(amount, self.capacity)
        return 0.0 if self.tokens >= needed else (needed - self.tokens) * 60.0 / self.per_minute

    def take(self, amount: float) -> None:
        if self.per_minute:
            self.tokens -= amount

    def settle(self, difference: float) -> None:
        """Charge (positive) or refund (negative) the gap between an estimate and what was used."""
        if self.per_minute:
            self.tokens = min(self.capacity, self.tokens - difference)


class RateLimiter:
    """Shared by a job's lanes in one process. ``acquire`` before each call, ``done`` after it."""

    def __init__(
        self,
        *,
        concurrency: int,
        requests_per_minute: int | None = None,
        input_tokens_per_minute: int | None = None,
        output_tokens_per_minute: int | None = None,
        clock: Clock = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        now = clock()
        self.clock = clock
        self.rng = rng or random.Random()
        self.max_concurrency = concurrency
        self.limit = float(concurrency)
        self.in_flight = 0
        self.requests = TokenBucket(requests_per_minute, now=now)
        self.input_tokens = TokenBucket(input_tokens_per_minute, now=now)
        self.output_tokens = TokenBucket(output_tokens_per_minute, now=now)
        self.paused_until = 0.0
        self.throttles: deque[float] = deque()
        self.calls: deque[float] = deque()
        self._cond = threading.Condition()

    # -- before and after a call ----------------------------------------------------------------------
    def acquire(self, input_tokens: int, output_tokens: int, stop: threading.Event) -> bool:
        """Wait for a slot, any global pause, and room in every bucket; False if ``stop`` was set meanwhile."""
        with self._cond:
            while not stop.is_set():
                now = self.clock()
                wait = max(
                    self.paused_until - now,
                    self.requests.wait_s(1, now),
                    self.input_tokens.wait_s(input_tokens, now),
                    self.output_tokens.wait_s(output_tokens, now),
                )
                if self.in_flight < max(1, int(self.limit)) and wait <= 0:
                    self.in_flight += 1
                    self.requests.take(1)
                    self.input_tokens.take(input_tokens)
                    self.output_tokens.take(output_tokens)
                    return True
                # Wake on a finished call (a slot) or when the wait is over; short waits keep stop responsive.
                self._cond.wait(timeout=min(max(wait, 0.01), 0.5) if wait > 0 else 0.5)
            return False

    def done(
        self,
        *,
        estimated: tuple[int, int] = (0, 0),
        used: tuple[int, int] | None = None,
        throttled: bool = False,
    ) -> None:
        """A call ended: free its slot and settle token estimates against ``used`` (input, output)."""
        with self._cond:
            self.in_flight -= 1
            now = self.clock()
            self.calls.append(now)
            if used is not None:
                self.input_tokens.settle(used[0] - estimated[0])
                self.output_tokens.settle(used[1] - estimated[1])
            if not throttled:
                # Additive increase: about one more lane per round of successful calls.
                self.limit = min(float(self.max_concurrency), self.limit + 1.0 / max(self.limit, 1.0))
            self._cond.notify_all()

    # -- throttling ------------------------------------------------------------------------------------
    def throttled(self, retry_after: float | None, attempt: int) -> float:
        """Record a 429/529; returns how long this request should wait before trying again."""
        delay = self.backoff_s(attempt, retry_after)
        with self._cond:
            now = self.clock()
            self.throttles.append(now)
            for events in (self.throttles, self.calls):
                while events and events[0] < now - WINDOW_S:
                    events.popleft()
            share = len(self.throttles) / max(len(self.calls), 1)
            if len(self.throttles) >= MIN_THROTTLES and share >= THROTTLE_SHARE and now >= self.paused_until:
                # Frequent throttling: the server is really full, so everyone waits and fewer lanes run.
                self.paused_until = now + delay
                self.limit = max(1.0, self.limit / 2)
                self.throttles.clear()
            self._cond.notify_all()
        return delay

    def pause_until_wall(self, until: datetime) -> None:
        """Hold every lane until the wall-clock time ``until`` (a pause another worker of the job recorded)."""
        left = (until - datetime.now(UTC)).total_seconds()
        if left > 0:
            with self._cond:
                self.paused_until = max(self.paused_until, self.clock() + left)

    def backoff_s(self, attempt: int, retry_after: float | None) -> float:
        """``core.llm.retry.backoff_s`` with this limiter's random source."""
        return backoff_s(attempt, retry_after, self.rng)
