"""Token buckets and adaptive backoff, on a fake clock."""

from __future__ import annotations

import threading

from core.batch.ratelimit import RateLimiter, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_refills_at_its_rate_per_minute() -> None:
    bucket = TokenBucket(60, now=0.0)
    bucket.take(60)
    assert bucket.wait_s(1, now=0.0) == 1.0
    assert bucket.wait_s(30, now=10.0) == 20.0


def test_the_requests_per_minute_limit_holds_calls_back() -> None:
    clock = Clock()
    limiter = RateLimiter(concurrency=8, requests_per_minute=2, clock=clock)
    stop = threading.Event()
    assert limiter.acquire(0, 0, stop) and limiter.acquire(0, 0, stop)
    assert limiter.requests.wait_s(1, clock()) == 30.0


def test_output_token_estimates_are_settled_against_real_usage() -> None:
    limiter = RateLimiter(concurrency=2, output_tokens_per_minute=1000, clock=Clock())
    assert limiter.acquire(0, 800, threading.Event())
    limiter.done(estimated=(0, 800), used=(0, 100))
    assert limiter.output_tokens.tokens == 900


def test_retry_after_is_honoured_and_frequent_throttles_halve_concurrency() -> None:
    clock = Clock()
    limiter = RateLimiter(concurrency=8, clock=clock)
    assert limiter.throttled(2.5, attempt=0) == 2.5
    assert limiter.limit == 8  # a lone 429 slows only its own request
    limiter.throttled(2.5, attempt=0)
    limiter.throttled(2.5, attempt=0)
    assert limiter.limit == 4 and limiter.paused_until == 2.5


def test_without_retry_after_the_backoff_grows_exponentially() -> None:
    limiter = RateLimiter(concurrency=1)
    assert 0.9 <= limiter.backoff_s(0, None) <= 1.1
    assert 3.6 <= limiter.backoff_s(2, None) <= 4.4
