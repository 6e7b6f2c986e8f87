"""A job's rate limits across all its worker processes and machines.

Each process keeps its own limiter (``core.batch.ratelimit``: lanes, local buckets, AIMD), but a job's
RPM / ITPM / OTPM are for the whole job. Before each call a lane asks for admission in one transaction that
holds the job row (``FOR UPDATE`` on Postgres; SQLite's write lock): it counts the job's calls of the last
window in ``generation_logs`` (every call has its row from before it is sent, with estimated tokens until it
completes) and, when there is room, writes the call's own ``sent`` row in that same transaction, so two
workers can never both take the last slot. A full window answers how long to wait.

Requests are also paced evenly: a token bucket refilled continuously that holds one call, so consecutive calls
of the job (from any worker) are at least ``60 / RPM`` seconds apart: at 60 RPM one a second, never a window's
worth in a burst and then a long idle (which the API, enforcing its limit over shorter spans, would refuse).
The bucket needs no state of its own: the newest ``sent`` row, read by the same query that counts the window,
is when it was last emptied.

Adaptive backoff is shared the same way: frequent throttling sets the job's ``throttled_until``, and every
worker's admissions wait for it. The window is a minute (the limits are per minute); tests may shorten it,
scaling the limits with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.models.base import utcnow
from core.models.jobs import BatchJob
from core.storage.ports import Connection, GenerationLogPort, JobQueue, Transactions

WINDOW_S = 60.0
MIN_WAIT_S = 0.02
Reserve = Callable[[Connection], None]


def has_limits(job: BatchJob) -> bool:
    return any((job.requests_per_minute, job.input_tokens_per_minute, job.output_tokens_per_minute))


@dataclass
class JobAdmission:
    transactions: Transactions
    queue: JobQueue
    calls: GenerationLogPort
    window_s: float = WINDOW_S

    def admit(self, job: BatchJob, tokens: tuple[int, int], reserve: Reserve, now: datetime | None = None) -> float:
        """Seconds to wait before asking again; 0.0 when admitted (``reserve`` then ran in the same transaction
        that counted, writing the call's ``sent`` row)."""
        with self.transactions.transaction() as conn:
            current = self.queue.lock_job(conn, job.id) or job
            # The clock is read once the job is locked: a wait for the lock must not start the window early
            # (the call's row is stamped later, so another worker would not count it).
            now = now or utcnow()
            if current.throttled_until is not None and current.throttled_until > now:
                return max((current.throttled_until - now).total_seconds(), MIN_WAIT_S)
            if has_limits(current):
                wait = self._window_wait(conn, current, tokens, now)
                if wait > 0:
                    return wait
            reserve(conn)
        return 0.0

    def _window_wait(self, conn: Connection, job: BatchJob, tokens: tuple[int, int], now: datetime) -> float:
        since = now - timedelta(seconds=self.window_s)
        calls, tokens_in, tokens_out, oldest, newest = self.calls.recent_usage(conn, job.id, since)
        if job.requests_per_minute and newest is not None:
            paced = (newest + timedelta(seconds=60.0 / job.requests_per_minute) - now).total_seconds()
            if paced > 0:
                return max(paced, MIN_WAIT_S)
        scale = self.window_s / 60.0
        full = any(
            limit and used + amount > max(limit * scale, amount if used == 0 else 0)
            for limit, used, amount in (
                (job.requests_per_minute, int(calls), 1),
                (job.input_tokens_per_minute, int(tokens_in), tokens[0]),
                (job.output_tokens_per_minute, int(tokens_out), tokens[1]),
            )
        )
        if not full:
            return 0.0
        if oldest is None:
            return MIN_WAIT_S
        return max((oldest + timedelta(seconds=self.window_s) - now).total_seconds(), MIN_WAIT_S)

    def throttled(self, job_id: str, delay_s: float) -> None:
        """Every worker of the job waits ``delay_s`` (the server said it is full)."""
        until = utcnow() + timedelta(seconds=delay_s)
        self.calls.throttle(job_id, until)
