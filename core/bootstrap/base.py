"""What every service shares: the settings, the database and files of one project, that project, the Claude
client, and the storage ports several services use. ``Services`` (``core.bootstrap.services``) adds the
services themselves."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self, cast

from core.bootstrap import storage, wiring
from core.models.base import DEFAULT_PROJECT_ID
from core.settings import Settings
from core.storage.blobs import BlobStore
from core.storage.database import Database

if TYPE_CHECKING:
    from core.batch.store import BatchStore
    from core.calls import CallLedger
    from core.llm.claude import ClaudeClient
    from core.models.projects import Project
    from core.projects import ProjectService
    from core.storage.ports import (
        ConversationRows,
        DemoRows,
        EvaluationRows,
        FailureWriter,
        GenerationLogPort,
        JobQueue,
        ReviewLog,
        ScaffoldingRows,
        Transactions,
    )


@dataclass
class ServicesBase:
    """Settings, storage and the Claude client of one project (``project``). ``in_project`` gives the same
    services inside another project (same engine, files and Claude client); ``projects`` lists, makes and
    deletes projects."""

    settings: Settings
    db: Database
    blobs: BlobStore
    extras: dict[str, object] = field(default_factory=dict)
    #: Guards building the Claude client: batch lanes ask for it concurrently, and exactly one is built.
    _llm_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)
    #: The same services inside other projects (``in_project``), made once each.
    _in_projects: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def projects(self) -> ProjectService:
        from core.projects import ProjectService

        return ProjectService(storage.project_rows(self.db), self.blobs)

    @property
    def project_id(self) -> str:
        """The id of the project these services work in."""
        return self.db.project_id or DEFAULT_PROJECT_ID

    @property
    def project(self) -> Project:
        """The project these services work in (read each time: its name or description may change)."""
        return self.projects.by_id(self.project_id)

    def in_project(self, slug_or_id: str) -> Self:
        """These services inside another project (found by slug or id; ``NotFoundError`` when there is none),
        sharing the engine, the files and the Claude client. Made once per project and kept."""
        if slug_or_id in (self.project_id, self.settings.project):
            return self
        project = self.projects.get(slug_or_id)
        if project.id == self.project_id:
            return self
        found = self._in_projects.get(project.id)
        if found is None:
            found = self._in_projects[project.id] = type(self)(
                settings=self.settings.model_copy(update={"project": project.slug}),
                db=self.db.in_project(project.id),
                blobs=self.blobs,
                extras=self.extras,
            )
        return cast("Self", found)

    def for_record(self, table: str, record_id: str) -> Self:
        """These services inside the project that holds one row (a batch or training job a worker was started
        for by id); themselves when no project holds it (the caller then reports it missing)."""
        project = self.projects.holding(table, record_id)
        return self.in_project(project.id) if project is not None else self

    @property
    def backend_label(self) -> str:
        return "Supabase (Postgres + Storage)" if self.settings.backend == "supabase" else "Embedded (SQLite + files)"

    @property
    def llm(self) -> ClaudeClient:
        """The Claude client, built once on first use (under a lock: lanes of a batch ask for it together);
        no key raises ``LLMUnavailableError`` saying how to add one, and the next use asks again."""
        client = self.extras.get("llm")
        if client is None:
            with self._llm_lock:
                client = self.extras.get("llm")
                if client is None:
                    from core.llm.claude import ClaudeClient  # the SDK is loaded only by what calls Claude

                    client = self.extras["llm"] = ClaudeClient.from_settings(self.settings)
        return cast("ClaudeClient", client)

    def forget_llm(self) -> None:
        """Drop the Claude client (a new key or model was saved): the next use builds it again."""
        with self._llm_lock:
            self.extras.pop("llm", None)

    @property
    def conversation_rows(self) -> ConversationRows:
        """The conversations' ``ConversationRows`` port alone, for readers that need no files (a listing)."""
        return self.db.conversations

    @cached_property
    def review_log(self) -> ReviewLog:
        return storage.review_log(self.db)

    @cached_property
    def scaffolding_rows(self) -> ScaffoldingRows:
        return storage.scaffolding_rows(self.db)

    @property
    def transactions(self) -> Transactions:
        """The unit of work of this project's database (``with transactions.transaction() as conn:``)."""
        return self.db

    @cached_property
    def demo_rows(self) -> DemoRows:
        """What the demo records beside its conversations (its job, call rows, log)."""
        return storage.demo_rows(self.db)

    @cached_property
    def failure_writer(self) -> FailureWriter:
        """Where a failed generation or spec step is recorded."""
        return storage.failure_writer(self.db)

    @cached_property
    def evaluation_rows(self) -> EvaluationRows:
        """Trained models as evaluation sees them, scorecards, judged answers and A/B picks."""
        return storage.evaluation_rows(self.db)

    @cached_property
    def call_log(self) -> GenerationLogPort:
        """One ``generation_logs`` row per model call, and the job spend they add up to."""
        return storage.call_log(self.db)

    @cached_property
    def call_ledger(self) -> CallLedger:
        """Each model call's row, written before it goes out and completed after (with its retries), over the
        call log: the one ledger generation, spec and drafting write through."""
        from core.calls import CallLedger

        return CallLedger(self.db, self.call_log)

    @cached_property
    def job_queue(self) -> JobQueue:
        """The batch engine's queue (claims, leases, the job's end), shared by the batch service and workers."""
        return storage.job_queue(self.db)

    @cached_property
    def batch_store(self) -> BatchStore:
        """The batch engine's ports: the queue and the call log above, the jobs' rows and log, the conversations."""
        return wiring.batch_store(self.db, queue=self.job_queue, calls=self.call_log)

    def close(self) -> None:
        self.db.dispose()
