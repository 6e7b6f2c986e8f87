"""A job's rate limits across all its worker processes and machines.

Each process keeps its own limiter (``core.batch.ratelimit``: lanes, local buckets, AIMD), but a job's
RPM / ITPM / OTPM are for the whole job. Before each call a lane asks for admission in one transaction that
holds the job row (``FOR UPDATE`` on Postgres; SQLite's write lock): it counts the job's calls of the last
window in ``generation_logs`` (every call has its row from before it is sent, with estimated tokens until it
completes) and, when there is room, writes the call's own ``sent`` row in that same transaction, so two
workers can never both take the last slot. A full window answers how long to wait.

Adaptive backoff is shared the same way: frequent throttling sets the job's ``throttled_until``, and every
worker's admissions wait for it. The window is a minute (the limits are per minute); tests may shorten it,
scaling the limits with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from core.batch import claims
from core.models.base import utcnow
from core.models.jobs import BatchJob
from core.storage import schema
from core.storage.database import Database

logs_t = schema.generation_logs
jobs_t = schema.batch_jobs
WINDOW_S = 60.0
MIN_WAIT_S = 0.02
Reserve = Callable[[sa.Connection], None]


def has_limits(job: BatchJob) -> bool:
    return any((job.requests_per_minute, job.input_tokens_per_minute, job.output_tokens_per_minute))


@dataclass
class JobAdmission:
    db: Database
    window_s: float = WINDOW_S

    def admit(self, job: BatchJob, tokens: tuple[int, int], reserve: Reserve, now: datetime | None = None) -> float:
        """Seconds to wait before asking again; 0.0 when admitted (``reserve`` then ran in the same transaction
        that counted, writing the call's ``sent`` row)."""
        with self.db.transaction() as conn:
            current = claims.lock_job(conn, job.id) or job
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

    def _window_wait(self, conn: sa.Connection, job: BatchJob, tokens: tuple[int, int], now: datetime) -> float:
        since = now - timedelta(seconds=self.window_s)
        recent = sa.and_(logs_t.c.job_id == job.id, logs_t.c.created_at > since)
        query = sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(logs_t.c.input_tokens), 0),
            sa.func.coalesce(sa.func.sum(logs_t.c.output_tokens), 0),
            sa.func.min(logs_t.c.created_at),
        ).where(recent)
        calls, tokens_in, tokens_out, oldest = conn.execute(query).one()
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
        first = oldest if isinstance(oldest, datetime) else datetime.fromisoformat(str(oldest))
        first = first if first.tzinfo is not None else first.replace(tzinfo=UTC)
        return max((first + timedelta(seconds=self.window_s) - now).total_seconds(), MIN_WAIT_S)

    def throttled(self, job_id: str, delay_s: float) -> None:
        """Every worker of the job waits ``delay_s`` (the server said it is full)."""
        until = utcnow() + timedelta(seconds=delay_s)
        later = sa.or_(jobs_t.c.throttled_until.is_(None), jobs_t.c.throttled_until < until)
        with self.db.transaction() as conn:
            conn.execute(sa.update(jobs_t).where(jobs_t.c.id == job_id, later).values(throttled_until=until))
