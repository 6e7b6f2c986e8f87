"""The call log's storage: ``generation_logs`` rows and the job spend they charge, and the job's recent calls
(what its cross-process rate limits count).

A call's row is written ``sent`` with its estimate before the call and completed after it; each write moves
the job's ``cost_usd`` by the same amount in the same transaction (``cost_usd = cost_usd + delta``), so
concurrent workers never lose an update and a job's spend is every call ever made for it.
The statements of the hot path are built once at import.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.models.logs import GenerationLog
from core.models.statuses import Call
from core.storage import schema
from core.storage.ports import RecentUsage
from core.storage.usage_counts import UsageCounts

if TYPE_CHECKING:
    from core.storage.database import Database

logs_t = schema.generation_logs
jobs_t = schema.batch_jobs
_b = sa.bindparam
_LOG_COLUMNS = [c.name for c in logs_t.columns]
_INSERT = sa.insert(logs_t)
_CHARGE = (
    sa.update(jobs_t)
    .where(jobs_t.c.id == _b("b_job"))
    .values(cost_usd=jobs_t.c.cost_usd + _b("b_delta", type_=sa.Float()))
)
_COMPLETE: dict[frozenset[str], sa.Update] = {}  # one statement per set of columns a caller completes


def _complete_statement(names: frozenset[str]) -> sa.Update:
    found = _COMPLETE.get(names)
    if found is None:
        found = _COMPLETE[names] = (
            sa.update(logs_t).where(logs_t.c.id == _b("b_id")).values({n: _b(f"b_{n}") for n in sorted(names)})
        )
    return found


def charge(conn: sa.Connection, job_id: str | None, delta: float) -> None:
    """Move the job's spend by ``delta`` (only an estimate's correction is ever negative)."""
    if job_id is not None and abs(delta) >= 1e-12:
        conn.execute(_CHARGE, {"b_job": job_id, "b_delta": delta})


def insert(conn: sa.Connection, entry: GenerationLog) -> None:
    """Write a call's row and charge its job what the row says it cost."""
    data = entry.model_dump(mode="python")
    conn.execute(_INSERT, [{name: data[name] for name in _LOG_COLUMNS if name in data}])
    charge(conn, entry.job_id, entry.cost_usd)


def complete(conn: sa.Connection, entry: GenerationLog, values: dict[str, Any]) -> None:
    """Set a call's final columns (``values``) and charge its job the difference from what the row said."""
    names = frozenset(values)
    conn.execute(_complete_statement(names), {"b_id": entry.id} | {f"b_{k}": v for k, v in values.items()})
    charge(conn, entry.job_id, float(values.get("cost_usd", entry.cost_usd)) - entry.cost_usd)


def recent_usage(conn: sa.Connection, job_id: str, since: datetime) -> RecentUsage:
    """The job's calls logged after ``since``: how many, their input and output tokens, the oldest's and the
    newest's time (one query: admission runs it before every call)."""
    recent = sa.and_(logs_t.c.job_id == job_id, logs_t.c.created_at > since)
    query = sa.select(
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(logs_t.c.input_tokens), 0),
        sa.func.coalesce(sa.func.sum(logs_t.c.output_tokens), 0),
        sa.func.min(logs_t.c.created_at),
        sa.func.max(logs_t.c.created_at),
    ).where(recent)
    calls, tokens_in, tokens_out, oldest, newest = conn.execute(query).one()
    return RecentUsage(int(calls), int(tokens_in), int(tokens_out), _aware(oldest), _aware(newest))


def _aware(value: object) -> datetime | None:
    """A timestamp from an aggregate (SQLite gives text), UTC-aware."""
    if value is None:
        return None
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def throttle(conn: sa.Connection, job_id: str, until: datetime) -> None:
    """Every worker of the job waits until ``until`` (never moved earlier)."""
    later = sa.or_(jobs_t.c.throttled_until.is_(None), jobs_t.c.throttled_until < until)
    conn.execute(sa.update(jobs_t).where(jobs_t.c.id == job_id, later).values(throttled_until=until))


class SqlCallLog:
    """``core.storage.ports.GenerationLogPort`` over ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def insert(self, conn: sa.Connection, entry: GenerationLog) -> None:
        if self.db.project_id is not None and entry.project_id != self.db.project_id:
            entry = entry.model_copy(update={"project_id": self.db.project_id})
        insert(conn, entry)

    def complete(self, conn: sa.Connection, entry: GenerationLog, values: dict[str, Any]) -> None:
        complete(conn, entry, values)

    def recent_usage(self, conn: sa.Connection, job_id: str, since: datetime) -> RecentUsage:
        return recent_usage(conn, job_id, since)

    def throttle(self, job_id: str, until: datetime) -> None:
        with self.db.transaction() as conn:
            throttle(conn, job_id, until)

    def count_use(self, conn: sa.Connection, persona_id: str, arc_id: str, topic_id: str, template_id: str) -> None:
        UsageCounts().count_use(conn, persona_id, arc_id, topic_id, template_id)

    def find(self, log_id: str) -> GenerationLog | None:
        return self.db.logs.find(log_id)

    def successful_calls(self, conversation_id: str) -> list[GenerationLog]:
        return self.db.logs.list(where={"conversation_id": conversation_id, "status": Call.SUCCESS})
