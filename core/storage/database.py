"""The database: one engine, the migrations, and a repository per table."""

from __future__ import annotations

import copy
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.errors import StorageError
from core.models.base import DEFAULT_PROJECT_ID
from core.storage import migrations
from core.storage.migrations import READ_ONLY
from core.storage.repository import Repository, TableRepository

if TYPE_CHECKING:
    from core.models.evaluation import EvaluationJudgment, EvaluationRun, PreferencePick
    from core.models.jobs import BatchItem, BatchJob, BatchLogLine
    from core.models.logs import FailedGeneration, GenerationLog
    from core.models.projects import Project
    from core.models.review import ReviewAction, ReviewGrade, TurnRating, TurnRevision
    from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic
    from core.models.spec_project import SpecProject
    from core.models.training import TrainingFile, TrainingFileConversation
    from core.models.training_jobs import TrainedModel, TrainingJob, TrainingMetric
    from core.storage.conversations_repo import ConversationsRepo

TransactionHook = Callable[[sa.Connection], None]
SQLITE_BUSY_TIMEOUT_S = 30


def make_engine(url: str) -> sa.Engine:
    """An engine tuned for the backend: WAL and a busy timeout on SQLite, pre-ping on Postgres."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # pysqlite must not issue its own BEGIN; ours is below
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(conn: sa.Connection) -> None:
            # Take the write lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
            # A read (``Database.reading``) begins deferred: in WAL mode it reads the last commit, never waiting.
            # Straight to the driver: this runs before every transaction, and SQLAlchemy's statement path
            # (events, an execution context, a cursor result) cost as much as a query each time.
            begin = "BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE"
            try:
                conn.connection.driver_connection.execute(begin)  # type: ignore[union-attr]
            except sqlite3.Error as err:  # e.g. locked past the busy timeout: reported like any statement's error
                raise sa.exc.OperationalError(begin, None, err) from err

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Database:
    """Tables of one backend. ``transaction()`` is the unit of work; repositories join it via ``conn=``.

    A database is bound to one project (``project_id``, the first project unless told otherwise): its
    repositories read only that project's rows and stamp it on every row they write. ``in_project`` gives
    the same database (engine, lock, signed-in user) bound to another project, or to none (``None``: every
    project, for workers that serve all of them and for deleting a project).

    A repository (``db.personas``…) is made on first use, with its table (``core.storage.schema``), so a
    command that reads two tables builds two.
    """

    expert_profiles: TableRepository[ExpertProfile] = TableRepository("expert_profiles", label="expert profile")
    personas: TableRepository[Persona] = TableRepository("personas", label="persona")
    arcs: TableRepository[EmotionalArc] = TableRepository("emotional_arcs", label="emotional arc")
    topics: TableRepository[TrainingTopic] = TableRepository("training_topics", label="training topic")
    templates: TableRepository[PromptTemplate] = TableRepository("prompt_templates", label="prompt template")
    jobs: TableRepository[BatchJob] = TableRepository("batch_jobs", label="batch job")
    items: TableRepository[BatchItem] = TableRepository("batch_items", label="batch item")
    batch_logs: TableRepository[BatchLogLine] = TableRepository("batch_logs", label="batch log line")
    failures: TableRepository[FailedGeneration] = TableRepository("failed_generations", label="failed generation")
    logs: TableRepository[GenerationLog] = TableRepository("generation_logs", label="generation log")
    training_files: TableRepository[TrainingFile] = TableRepository("training_files", label="training file")
    training_members: TableRepository[TrainingFileConversation] = TableRepository(
        "training_file_conversations", label="training file member"
    )
    review_actions: TableRepository[ReviewAction] = TableRepository("review_actions", label="review action")
    turn_ratings: TableRepository[TurnRating] = TableRepository("turn_ratings", label="turn rating")
    turn_revisions: TableRepository[TurnRevision] = TableRepository("turn_revisions", label="turn revision")
    review_grades: TableRepository[ReviewGrade] = TableRepository("review_grades", label="review grade")
    spec_projects: TableRepository[SpecProject] = TableRepository("spec_projects", label="spec project")
    training_jobs: TableRepository[TrainingJob] = TableRepository("training_jobs", label="training job")
    training_metrics: TableRepository[TrainingMetric] = TableRepository("training_metrics", label="training point")
    trained_models: TableRepository[TrainedModel] = TableRepository("trained_models", label="trained model")
    evaluation_runs: TableRepository[EvaluationRun] = TableRepository("evaluation_runs", label="scorecard")
    evaluation_judgments: TableRepository[EvaluationJudgment] = TableRepository(
        "evaluation_judgments", label="judged answer"
    )
    preference_picks: TableRepository[PreferencePick] = TableRepository("preference_picks", label="A/B pick")
    projects: TableRepository[Project] = TableRepository("projects", label="project")

    def __init__(
        self, url: str, *, engine: sa.Engine | None = None, project_id: str | None = DEFAULT_PROJECT_ID
    ) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self.project_id = project_id
        self.transaction_hook: TransactionHook | None = None
        # Reentrant: a nested transaction on the same thread behaves as before (SQLite's own busy timeout).
        self._write_lock = threading.RLock() if self.engine.dialect.name == "sqlite" else None

    @cached_property
    def conversations(self) -> ConversationsRepo:
        from core.storage.conversations_repo import ConversationsRepo

        return ConversationsRepo(self)

    def in_project(self, project_id: str | None) -> Database:
        """This database bound to ``project_id`` (``None``: every project), sharing its engine and lock."""
        if project_id == self.project_id:
            return self
        bound = copy.copy(self)
        bound.project_id = project_id
        # Repositories made so far belong to this binding: the bound copy makes its own.
        for name, value in self.__dict__.items():
            if isinstance(value, Repository):
                del bound.__dict__[name]
        return bound

    def project_scope(self, table: sa.Table) -> list[sa.ColumnElement[bool]]:
        """The condition keeping a hand-written statement on ``table`` inside the bound project."""
        if self.project_id is None or "project_id" not in table.c:
            return []
        return [table.c.project_id == self.project_id]

    @property
    def acting_user(self) -> str | None:
        """The signed-in user this database acts as (``core.storage.rls``); ``None`` for system work."""
        return None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """One transaction; the optional hook runs first (Postgres: set the signed-in user's role).

        On SQLite every transaction takes the database's write lock (``BEGIN IMMEDIATE``). Threads of this
        process queue for it on a Python lock, woken the moment it is free, rather than in SQLite's busy
        handler, which sleeps and polls; other processes still queue in the busy handler.
        """
        with self._local_turn(), _unreachable_as_storage_error(), self.engine.begin() as conn:
            if self.transaction_hook is not None:
                self.transaction_hook(conn)
            yield conn

    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """A transaction that only reads. On SQLite it takes no write lock and does not queue behind writers
        (WAL: it sees the last commit); on Postgres it is an ordinary transaction (with the hook)."""
        if self._write_lock is None:
            with self.transaction() as conn:
                yield conn
            return
        with (
            _unreachable_as_storage_error(),
            self.engine.connect().execution_options(**{READ_ONLY: True}) as conn,
            conn.begin(),
        ):
            yield conn

    @contextmanager
    def _local_turn(self) -> Iterator[None]:
        if self._write_lock is None:
            yield
            return
        if not self._write_lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_S):
            raise StorageError("The database could not be reached or refused the operation.", hint="database is locked")
        try:
            yield
        finally:
            self._write_lock.release()

    def upgrade(self) -> list[str]:
        """Apply pending migrations; returns their names."""
        return migrations.upgrade(self.engine)

    def pending_migrations(self) -> list[str]:
        return migrations.pending(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _unreachable_as_storage_error() -> Iterator[None]:
    """A database that cannot be reached, or refuses an operation, as a ``StorageError`` a person can read."""
    try:
        yield
    except sa.exc.OperationalError as err:
        raise StorageError(
            "The database could not be reached or refused the operation.",
            hint=str(err.orig).splitlines()[0] if err.orig else None,
        ) from err
