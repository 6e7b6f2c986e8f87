"""The batch engine's ports (core/batch, core/generation): the job queue, the jobs' rows and log, the call log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from core.models.jobs import BatchItem, BatchJob, BatchLogLine, Claim
    from core.models.logs import GenerationLog
    from core.models.statuses import ItemStatus, JobStatus
    from core.storage.ports.base import Connection, Rows


class ItemResult(Protocol):
    """How an item ended (``core.batch.processor.ItemOutcome``)."""

    @property
    def status(self) -> ItemStatus: ...
    @property
    def conversation_id(self) -> str | None: ...
    @property
    def failure_id(self) -> str | None: ...
    @property
    def error_message(self) -> str | None: ...
    @property
    def cost_usd(self) -> float: ...
    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def charged(self) -> bool:
        """True when the call log already charged ``cost_usd`` to the job."""
        ...


class JobQueue(Protocol):
    """Batch items claimed under a lease, finished, given back; the job's counters and end
    (``core.storage.jobqueue``). Online lanes and Message Batches mode claim through the one ``claim``."""

    def claim(
        self,
        job_id: str,
        owner: str,
        *,
        n: int | None,
        lease_s: float,
        now: datetime | None = None,
        conn: Connection | None = None,
    ) -> Claim:
        """Up to ``n`` items (``None``: all that fit the budget) for ``owner``, lowest positions first; an
        online job's ``concurrency`` holds across workers; a job with no room in its budget cap pauses.
        With ``conn``, inside that transaction (a lane claims its next item where it finishes one)."""
        ...

    def finish(self, item: BatchItem, owner: str, outcome: ItemResult, *, conn: Connection | None = None) -> bool:
        """Record the outcome if ``owner`` still holds this claim (its attempt token); False changes nothing."""
        ...

    def fence(self, conn: Connection, item: BatchItem) -> None:
        """Raise ``LeaseLostError`` when ``item``'s claim was taken over (locks the item row on Postgres)."""
        ...

    def release(self, items: Sequence[BatchItem], owner: str) -> int:
        """Claimed items back to the queue untouched (stopped before they were sent)."""
        ...

    def renew_leases(self, owner: str, *, lease_s: float) -> int:
        """Extend every lease ``owner`` holds (the heartbeat)."""
        ...

    def lock_job(self, conn: Connection, job_id: str) -> BatchJob | None:
        """The job, its row locked until ``conn`` ends (Postgres; SQLite holds the database)."""
        ...

    def in_flight(self, conn: Connection, job_id: str, now: datetime | None = None) -> int:
        """Items being worked on; with ``now``, only those whose lease is live."""
        ...

    def insert_items(self, conn: Connection, first: BatchItem, parameters: Iterable[dict[str, Any]]) -> int:
        """A new job's items, inserted in bulk: ``first`` with each of ``parameters`` in turn, each with an id of
        its own and positions 1, 2, 3... (the shape is validated once: a job may have 100,000 items)."""
        ...

    def stop_job(self, conn: Connection, job_id: str, status: JobStatus, reason: str) -> None:
        """End a job early: queued items are cancelled; items in flight finish on their own."""
        ...

    def reap_expired(self, conn: Connection, job: BatchJob, now: datetime | None = None) -> int:
        """A paused or cancelled job's items whose worker died: requeued or cancelled."""
        ...

    def lease_owners(self, job_id: str) -> list[str]:
        """The workers (lease owners) holding the job's items in flight."""
        ...

    def expire_leases(self, job_id: str, owners: list[str], why: str) -> int:
        """End the leases ``owners`` hold on the job's items now (a log line says ``why``); returns how many."""
        ...

    def requeue_failed(self, conn: Connection, job_id: str) -> int:
        """Failed items back to the queue (their result and submitted request forgotten)."""
        ...

    def cancel_in_flight(self, conn: Connection, job_id: str) -> int:
        """Items in flight cancelled (a cancelled Message Batches job does not wait for results)."""
        ...

    def recount(self, conn: Connection, job_id: str) -> dict[str, int | float]:
        """The job's counters and tokens set from its items (never its spend)."""
        ...

    def finalize_if_done(self, conn: Connection, job_id: str) -> str | None:
        """End a running job with nothing queued or in flight; its new status, else ``None``."""
        ...

    def store_requests(self, conn: Connection, frozen: dict[str, dict[str, Any]]) -> None:
        """Message Batches: each item's exact request, kept for ingesting its result."""
        ...

    def mark_submitted(
        self, conn: Connection, job_id: str, owner: str, batch_id: str, item_ids: Sequence[str], *, lease: timedelta
    ) -> None:
        """Message Batches: items sent in API batch ``batch_id``, held by it under a long lease."""
        ...

    def in_batch(self, job_id: str, batch_id: str) -> list[BatchItem]:
        """Message Batches: the items of ``batch_id`` still waiting for their result."""
        ...

    def unfinished_work(self) -> list[tuple[BatchJob, list[BatchItem]]]:
        """Each unfinished job (queued, processing or paused) with its items that still have work left (queued
        or in flight): what a scaffolding record must not be deleted from under."""
        ...


class BatchRows(Protocol):
    """A project's batch jobs and their items as typed rows, and the jobs' log (``core.storage.batch_rows``)."""

    @property
    def jobs(self) -> Rows[BatchJob]: ...

    @property
    def items(self) -> Rows[BatchItem]: ...

    def write_log(self, line: BatchLogLine, *, conn: Connection | None = None) -> None:
        """Append a line to its job's log (every worker process writes; the Jobs page reads)."""
        ...

    def latest_log(self, job_id: str, *, limit: int = 50) -> list[BatchLogLine]:
        """The job's newest ``limit`` log lines, oldest first."""
        ...


class RecentUsage(NamedTuple):
    """A job's calls in a recent window (``GenerationLogPort.recent_usage``)."""

    calls: int
    input_tokens: int
    output_tokens: int
    oldest: datetime | None
    newest: datetime | None


class GenerationLogPort(Protocol):
    """One ``generation_logs`` row per model call, and the job spend the rows add up to
    (``core.storage.calllog``): written ``sent`` before the call, completed after."""

    def insert(self, conn: Connection, entry: GenerationLog) -> None:
        """Write a call's row and charge its job what the row says it cost."""
        ...

    def complete(self, conn: Connection, entry: GenerationLog, values: dict[str, Any]) -> None:
        """Set the call's final columns and charge its job the difference."""
        ...

    def recent_usage(self, conn: Connection, job_id: str, since: datetime) -> RecentUsage:
        """The job's calls logged after ``since``: count, input and output tokens, the oldest's and newest's time."""
        ...

    def throttle(self, job_id: str, until: datetime) -> None:
        """Every worker of the job waits until ``until`` (never moved earlier)."""
        ...

    def count_use(self, conn: Connection, persona_id: str, arc_id: str, topic_id: str, template_id: str) -> None:
        """One more generation from each of these scaffolding records (usage counts)."""
        ...

    def find(self, log_id: str) -> GenerationLog | None:
        """One call's row by its id."""
        ...

    def successful_calls(self, conversation_id: str) -> list[GenerationLog]:
        """The calls that wrote ``conversation_id`` and succeeded (what storing it cost)."""
        ...
