"""The storage ports: what each area of ``core`` needs from the database, as ``typing.Protocol``s.

Services depend on these Protocols, never on SQL: ``core.bootstrap`` builds the implementations (one module per
port in ``core/storage``, the same SQLAlchemy Core code on SQLite and Postgres) and passes them in. A write that
must share a transaction with another port's write takes ``conn=``, a ``Connection`` from
``Transactions.transaction()``; services only hand it on, they never run a statement on it.

Each port has a contract suite in ``tests/contract`` run on SQLite and on the real PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol, TypeVar

import sqlalchemy as sa

from core.models.conversation import Conversation
from core.models.failures import FailureFilters, FailurePage
from core.models.jobs import BatchItem, BatchJob, Claim
from core.models.logs import FailedGeneration, GenerationLog
from core.models.projects import Project
from core.models.review import ReviewAction, ReviewGrade, TurnRating, TurnRevision
from core.models.review_grid import GridFilters, GridPage, GridQuery
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic
from core.models.statuses import ItemStatus, JobStatus
from core.models.training import TrainingFile, TrainingFileConversation

#: One open transaction. Services pass it from port to port (``conn=``) so several writes commit together.
Connection = sa.Connection
#: ``{column: value}`` filters: a value (equality), a list/tuple/set (IN) or ``None`` (IS NULL).
Where = Mapping[str, Any]
M = TypeVar("M")


class Transactions(Protocol):
    """The unit of work: ``with transactions.transaction() as conn:`` and pass ``conn=`` to each port."""

    @property
    def acting_user(self) -> str | None: ...

    def transaction(self) -> AbstractContextManager[Connection]: ...

    def reading(self) -> AbstractContextManager[Connection]: ...


class Rows(Protocol[M]):
    """Typed rows of one table (``core.storage.repository.Repository``), of one project when bound to one."""

    @property
    def project_id(self) -> str | None:
        """The project these rows belong to (``None``: every project, or a table of none)."""
        ...

    def find(self, key: str, *, conn: Connection | None = None) -> M | None: ...

    def get(self, key: str, *, conn: Connection | None = None) -> M: ...

    def find_by(self, *, conn: Connection | None = None, **where: Any) -> M | None: ...

    def first(self, where: Where, *, conn: Connection | None = None) -> M | None: ...

    def list(
        self,
        *,
        where: Where | None = None,
        order_by: str | Sequence[str] = "created_at",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
        conn: Connection | None = None,
    ) -> list[M]: ...

    def count(self, *, where: Where | None = None, conn: Connection | None = None) -> int: ...

    def count_by(
        self, column: str, *, where: Where | None = None, conn: Connection | None = None
    ) -> dict[str, int]: ...

    def add(self, obj: M, *, conn: Connection | None = None) -> M: ...

    def add_many(self, objs: Iterable[M], *, conn: Connection | None = None) -> int: ...

    def update(self, key: str, *, conn: Connection | None = None, **fields: Any) -> M: ...

    def update_where(self, where: Where, *, conn: Connection | None = None, **values: Any) -> int: ...

    def delete(self, key: str, *, conn: Connection | None = None) -> None: ...


# -- conversations ------------------------------------------------------------------------------------
class ConversationRows(Rows[Conversation], Protocol):
    """Conversation rows and their versions (``row_version``: optimistic concurrency), of one project."""

    def write_if_unchanged(self, conn: Connection, row: Conversation, **values: Any) -> int:
        """Set ``values`` if the row still has ``row.row_version``; returns the new version, else raises
        ``VersionConflict`` changing nothing."""
        ...

    def set_fields(self, conversation_id: str, *, conn: Connection | None = None, **values: Any) -> None:
        """Set columns of one conversation, whatever its version (status writes of the enrichment pipeline)."""
        ...

    def id_in_use(self, conversation_id: str) -> bool:
        """Whether a conversation of any project (that this user may see) has this id (ids are unique across
        projects and a conversation's files live under its id: an import must not write there)."""
        ...


# -- review -------------------------------------------------------------------------------------------
class ReviewLog(Protocol):
    """The review record: decision history, per-turn ratings, rubric grades, turn revisions."""

    def add_action(self, action: ReviewAction, *, conn: Connection | None = None) -> ReviewAction: ...

    def add_actions(self, actions: Iterable[ReviewAction], *, conn: Connection | None = None) -> int: ...

    def history(self, conversation_id: str) -> list[ReviewAction]:
        """Every history line of the conversation, newest first."""
        ...

    def last_action(
        self, conversation_id: str, kinds: Sequence[str], *, conn: Connection | None = None
    ) -> ReviewAction | None:
        """The newest history line whose action is one of ``kinds``."""
        ...

    def rating(
        self, conversation_id: str, turn_number: int, reviewer: str, *, conn: Connection | None = None
    ) -> TurnRating | None: ...

    def save_rating(self, rating: TurnRating, *, conn: Connection | None = None) -> TurnRating:
        """Insert ``rating``, or replace rating and note of the same reviewer's rating of the same turn."""
        ...

    def ratings(self, conversation_id: str) -> list[TurnRating]:
        """Every rating of the conversation, oldest change first."""
        ...

    def all_ratings(self) -> list[TurnRating]: ...

    def add_grade(self, grade: ReviewGrade, *, conn: Connection | None = None) -> ReviewGrade: ...

    def grades(self, conversation_id: str) -> list[ReviewGrade]:
        """Every grade of the conversation, oldest first."""
        ...

    def latest_grade(self, conversation_id: str, reviewer: str | None = None) -> ReviewGrade | None: ...

    def add_revision(self, revision: TurnRevision, *, conn: Connection | None = None) -> TurnRevision: ...

    def revisions(self, conversation_id: str) -> list[TurnRevision]:
        """Every turn edit of the conversation, newest first."""
        ...


class ReviewGrid(Protocol):
    """The review grid's queries over active conversations, filtered and sorted in the database."""

    def page(self, query: GridQuery) -> GridPage: ...

    def ordered_ids(self, query: GridQuery) -> list[str]: ...

    def ordered_statuses(self, query: GridQuery, *, pending_around: str | None = None) -> list[tuple[str, str]]: ...

    def day_progress(self, filters: GridFilters, since: datetime) -> tuple[int, int]: ...

    def matching_ids(self, filters: GridFilters, ids: list[str]) -> set[str]: ...

    def filter_options(self) -> dict[str, list[str]]: ...


# -- failures -----------------------------------------------------------------------------------------
class FailureLog(Protocol):
    """Failed generations: count, a filtered page (newest first), filter choices, one failure."""

    def count(self) -> int: ...

    def page(self, filters: FailureFilters, *, page: int = 1, page_size: int = 25) -> FailurePage: ...

    def filter_options(self) -> dict[str, list[str]]: ...

    def get(self, failure_id: str) -> FailedGeneration: ...


# -- training files -----------------------------------------------------------------------------------
class TrainingFileRows(Protocol):
    """Training file rows and their members (in the order they were added)."""

    @property
    def files(self) -> Rows[TrainingFile]: ...

    @property
    def acting_user(self) -> str | None:
        """The signed-in user these rows are read and written as (their files are theirs); ``None`` for system work."""
        ...

    def member_ids(self, file_id: str) -> list[str]: ...

    def files_holding(self, conversation_id: str) -> list[TrainingFile]:
        """The training files (any status) that hold ``conversation_id``, oldest first."""
        ...

    def present(self, file_id: str, conversation_ids: list[str]) -> set[str]:
        """Which of ``conversation_ids`` are members already."""
        ...

    def create(self, row: TrainingFile, members: list[TrainingFileConversation]) -> TrainingFile:
        """The row and its members, in one transaction."""
        ...

    def extend(self, file_id: str, members: list[TrainingFileConversation], **changes: Any) -> TrainingFile:
        """Add ``members`` and change the row (its counts), in one transaction."""
        ...


# -- scaffolding --------------------------------------------------------------------------------------
class ScaffoldingRows(Protocol):
    """The expert profile, personas, emotional arcs, training topics and prompt templates."""

    @property
    def expert_profiles(self) -> Rows[ExpertProfile]: ...

    @property
    def personas(self) -> Rows[Persona]: ...

    @property
    def arcs(self) -> Rows[EmotionalArc]: ...

    @property
    def topics(self) -> Rows[TrainingTopic]: ...

    @property
    def templates(self) -> Rows[PromptTemplate]: ...

    def rows(self, kind: str) -> Rows[Any]:
        """The rows of ``kind`` (``experts``, ``personas``, ``arcs``, ``topics``, ``templates``)."""
        ...

    def names(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """``(personas, arcs, topics)``: each one's display name by key."""
        ...


# -- batch jobs and model calls (the batch engine: core/batch, core/generation) -----------------------------
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

    def insert_items(self, conn: Connection, rows: Iterable[dict[str, Any]]) -> int:
        """Item rows (shaped as the table's columns), inserted in bulk."""
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


class ProjectRows(Protocol):
    """Projects (a table of no project) and what each one holds."""

    @property
    def rows(self) -> Rows[Project]: ...

    @property
    def acting_user(self) -> str | None: ...

    def unfinished_jobs(self, project_id: str) -> list[BatchJob]:
        """The project's batch jobs that are queued, running or paused."""
        ...

    def file_paths(self, project_id: str) -> dict[str, list[str]]:
        """What the project's rows know of their files (see ``core.storage.projects_repo``)."""
        ...

    def project_of(self, table: str, record_id: str) -> str | None:
        """The project of one row (by ``id``) of ``table``, whichever project it is in."""
        ...

    def delete_everything(self, project_id: str) -> dict[str, int]:
        """Delete the project's rows from every table and the project itself (one transaction)."""
        ...
