"""The one composition root: settings in, wired services out.

Pages cache ``build_services`` with ``st.cache_resource``; the CLI calls it once per command; tests call
it with settings pointing at a temporary folder (or a test Postgres).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, cast

from core.models.base import DEFAULT_PROJECT_ID
from core.settings import Settings
from core.storage.blobs import BlobStore, LocalBlobStore
from core.storage.database import Database

if TYPE_CHECKING:  # each service module is imported on first use, so a command loads only what it needs
    from core.batch.service import BatchService
    from core.conversations.lifecycle import ConversationActions
    from core.conversations.store import ConversationStore
    from core.costs import CostReport
    from core.enrichment.pipeline import EnrichmentService
    from core.evaluation.service import EvaluationService
    from core.export import ExportService, TrainingFileService
    from core.generation.service import GenerationService
    from core.importer import Importer
    from core.llm.claude import ClaudeClient
    from core.models.jobs import BatchJob
    from core.models.projects import Project
    from core.models.scaffolding import PromptTemplate
    from core.projects import ProjectService
    from core.review.failures import FailuresService
    from core.review.integrations import Enricher, TrainingFiles
    from core.review.service import ReviewService
    from core.scaffolding.drafting import DraftingService
    from core.scaffolding.service import Kind, ScaffoldingService, TemplateCheck
    from core.spec.projects import SpecProjectService
    from core.stats import Stats
    from core.storage.ports import ConversationRows, GenerationLogPort, JobQueue, ReviewLog, ScaffoldingRows
    from core.training.service import TrainingService


@dataclass
class Services:
    """Everything a page or a command needs, inside one project (``project``). Services are built lazily, on
    first use. ``in_project`` gives the same services inside another project (same engine, files and Claude
    client); ``projects`` lists, makes and deletes projects."""

    settings: Settings
    db: Database
    blobs: BlobStore
    extras: dict[str, object] = field(default_factory=dict)
    #: Guards building the Claude client: batch lanes ask for it concurrently, and exactly one is built.
    _llm_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)
    #: The same services inside other projects (``in_project``), made once each.
    _in_projects: dict[str, Services] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def projects(self) -> ProjectService:
        from core.projects import ProjectService
        from core.storage.projects_repo import ProjectsRepo

        return ProjectService(ProjectsRepo(self.db), self.blobs)

    @property
    def project_id(self) -> str:
        """The id of the project these services work in."""
        return self.db.project_id or DEFAULT_PROJECT_ID

    @property
    def project(self) -> Project:
        """The project these services work in (read each time: its name or description may change)."""
        return self.projects.by_id(self.project_id)

    def in_project(self, slug_or_id: str) -> Services:
        """These services inside another project (found by slug or id; ``NotFoundError`` when there is none),
        sharing the engine, the files and the Claude client. Made once per project and kept."""
        if slug_or_id in (self.project_id, self.settings.project):
            return self
        project = self.projects.get(slug_or_id)
        if project.id == self.project_id:
            return self
        found = self._in_projects.get(project.id)
        if found is None:
            found = self._in_projects[project.id] = Services(
                settings=self.settings.model_copy(update={"project": project.slug}),
                db=self.db.in_project(project.id),
                blobs=self.blobs,
                extras=self.extras,
            )
        return found

    def for_record(self, table: str, record_id: str) -> Services:
        """These services inside the project that holds one row (a batch or training job a worker was started
        for by id); themselves when no project holds it (the caller then reports it missing)."""
        project = self.projects.holding(table, record_id)
        return self.in_project(project.id) if project is not None else self

    @property
    def backend_label(self) -> str:
        return "Supabase (Postgres + Storage)" if self.settings.backend == "supabase" else "Embedded (SQLite + files)"

    @cached_property
    def scaffolding(self) -> ScaffoldingService:
        return scaffolding_service(self.db, template_check=check_template, jobs=lambda: self.job_queue)

    @cached_property
    def drafting(self) -> DraftingService:
        """Claude's proposed starter set (clients, emotional journeys, topics) for this project."""
        from core.generation.calls import CallLedger
        from core.scaffolding.drafting import DraftingService

        return DraftingService(
            self.scaffolding,
            lambda: CallLedger(self.db, self.call_log),
            self.settings,
            llm=lambda: self.llm,
            project=lambda: self.project,
        )

    @cached_property
    def conversations(self) -> ConversationStore:
        return conversation_store(self.db, self.blobs)

    @property
    def conversation_rows(self) -> ConversationRows:
        """The conversations' ``ConversationRows`` port alone, for readers that need no files (a listing)."""
        return self.db.conversations

    @cached_property
    def importer(self) -> Importer:
        from core.importer import Importer

        return Importer(
            self.conversations, self.scaffolding, max_bytes=self.settings.max_upload_bytes, log=self.review_log
        )

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

    @cached_property
    def generation(self) -> GenerationService:
        from core.generation.service import GenerationService

        return GenerationService(
            self.db, self.blobs, self.scaffolding, self.conversations, self.settings, llm=lambda: self.llm
        )

    @cached_property
    def review(self) -> ReviewService:
        return review_service(
            self.db,
            self.blobs,
            store=self.conversations,
            enricher=lambda: self.enrichment,
            training_files=lambda: self.training_files,
        )

    @cached_property
    def review_log(self) -> ReviewLog:
        from core.storage.review_log_repo import ReviewLogRepo

        return ReviewLogRepo(self.db)

    @cached_property
    def scaffolding_rows(self) -> ScaffoldingRows:
        from core.storage.scaffolding_repo import ScaffoldingRepo

        return ScaffoldingRepo(self.db)

    @cached_property
    def failures(self) -> FailuresService:
        from core.review.failures import FailuresService
        from core.storage.failures_repo import FailuresRepo

        return FailuresService(FailuresRepo(self.db), self.blobs)

    @cached_property
    def call_log(self) -> GenerationLogPort:
        """One ``generation_logs`` row per model call, and the job spend they add up to."""
        from core.storage.calllog import SqlCallLog

        return SqlCallLog(self.db)

    @cached_property
    def job_queue(self) -> JobQueue:
        """The batch engine's queue (claims, leases, the job's end), shared by the batch service and workers."""
        from core.storage.jobqueue import SqlJobQueue

        return SqlJobQueue(self.db)

    @cached_property
    def batch(self) -> BatchService:
        from core.batch.service import BatchService, generation_usage

        service = BatchService(
            self.db,
            self.job_queue,
            self.scaffolding,
            self.settings,
            usage_for=generation_usage(lambda: self.generation),
        )
        service.settle_batches = self._settle_batches
        return service

    def _settle_batches(self, job: BatchJob) -> int:
        """A cancelled Message Batches job: cancel its batches at the API, ingest what has ended."""
        from core.batch.generation_processor import GenerationProcessor
        from core.batch.liveness import worker_id
        from core.batch.message_batches import MessageBatchDriver

        processor = GenerationProcessor(self.db, self.job_queue, self.generation, lambda: self.llm)
        return MessageBatchDriver(self.db, self.job_queue, processor, lambda: self.llm, owner=worker_id()).settle(job)

    @cached_property
    def enrichment(self) -> EnrichmentService:
        from core.enrichment.judge import ClaudeJudge
        from core.enrichment.pipeline import EnrichmentService

        return EnrichmentService(
            transactions=self.db,
            conversations=self.db.conversations,
            scaffolding_rows=self.scaffolding_rows,
            blobs=self.blobs,
            scaffolding=self.scaffolding,
            settings=self.settings,
            # The judge shares the app's Claude client, built (and the adapter loaded) only when judging.
            judge_factory=lambda: ClaudeJudge(self.llm, self.db, self.call_log, self.settings),
        )

    @cached_property
    def actions(self) -> ConversationActions:
        """Everyday actions on one conversation: generate and enrich, regenerate, delete and undo."""
        from core.conversations.lifecycle import ConversationActions
        from core.storage.training_files_repo import TrainingFilesRepo

        return ConversationActions(
            self.db.conversations,
            self.scaffolding_rows,
            self.generation,
            self.enrichment,
            self.review,
            enrich_after_generate=self.settings.enrich_after_generate,
            training_files=TrainingFilesRepo(self.db),
        )

    def cost_report(self) -> CostReport:
        """Spend over time by model, job and template; per conversation and training file."""
        from core.costs import cost_report
        from core.names import Names

        return cost_report(self.db, Names.of(self.scaffolding))

    @cached_property
    def exports(self) -> ExportService:
        from core.export import ExportService
        from core.review.ratings import latest_ratings

        # Per-turn review ratings become loss weights (OpenAI ``weight``, axolotl ``train``). Export reads the
        # ratings table itself, so export does not depend on review (review hands off to training files).
        return ExportService(
            self.conversations,
            self.scaffolding,
            ratings_for=partial(latest_ratings, self.review_log),
            picks=self.db.preference_picks.list,
            project_slug=self.settings.project,
        )

    @cached_property
    def spec_projects(self) -> SpecProjectService:
        from core.spec.projects import SpecProjectService

        return SpecProjectService(self.db, self.blobs, self.settings, llm=lambda: self.llm)

    @cached_property
    def evaluation(self) -> EvaluationService:
        """Trying a trained model beside its base, the held-out scorecard, and blind A/B picks."""
        from core.evaluation.service import EvaluationService

        return EvaluationService(
            self.db,
            self.blobs,
            self.settings,
            self.scaffolding,
            llm=lambda: self.llm,
            call_log=lambda: self.call_log,
        )

    @cached_property
    def training_files(self) -> TrainingFileService:
        from core.export import TrainingFileService
        from core.storage.training_files_repo import TrainingFilesRepo

        return TrainingFileService(self.exports, TrainingFilesRepo(self.db))

    @cached_property
    def training(self) -> TrainingService:
        from core.storage.training_repo import TrainingRepo
        from core.training.service import TrainingService

        return TrainingService(TrainingRepo(self.db), self.blobs, self.training_files, self.settings)

    def stats(self) -> Stats:
        from core.stats import conversation_stats

        return conversation_stats(self.db)

    def close(self) -> None:
        self.db.dispose()


def scaffolding_service(
    db: Database, *, template_check: TemplateCheck | None = None, jobs: Callable[[], JobQueue] | None = None
) -> ScaffoldingService:
    """The scaffolding service over ``db`` (a signed-in user's view, or the system's): its ``ScaffoldingRows`` port,
    and the unfinished batch jobs that still use a record, asked of the ``JobQueue`` port (``jobs`` gives the app's
    queue; else one over ``db``): deleting such a record is refused. The queue is reached only when a deletion
    asks, so listing scaffolding does not load the batch machinery."""
    from core.scaffolding.service import ScaffoldingService, running_jobs_using
    from core.storage.scaffolding_repo import ScaffoldingRepo

    def queue() -> JobQueue:
        if jobs is not None:
            return jobs()
        from core.storage.jobqueue import SqlJobQueue

        return SqlJobQueue(db)

    def in_use(kind: Kind, record: Any) -> list[str]:
        return running_jobs_using(queue(), kind, record)

    return ScaffoldingService(ScaffoldingRepo(db), in_use=in_use, template_check=template_check)


def conversation_store(db: Database, blobs: BlobStore) -> ConversationStore:
    """The conversation store over ``db`` (a signed-in user's view, or the system's): its transactions, its
    ``ConversationRows`` port, and the files in ``blobs``."""
    from core.conversations.store import ConversationStore

    return ConversationStore(db, db.conversations, blobs)


def review_service(
    db: Database,
    blobs: BlobStore,
    *,
    store: ConversationStore | None = None,
    enricher: Callable[[], Enricher] | None = None,
    training_files: Callable[[], TrainingFiles] | None = None,
) -> ReviewService:
    """The review service over ``db`` (a signed-in user's view, or the system's) and ``blobs``, with its ports
    (``store``: the app's conversation store over them, else one is built).

    Without ``enricher`` and ``training_files`` it is for reads, decisions and ratings only (tools, tests)."""
    from core.review.service import ReviewService
    from core.storage.review_grid_repo import ReviewGridRepo
    from core.storage.review_log_repo import ReviewLogRepo
    from core.storage.scaffolding_repo import ScaffoldingRepo

    return ReviewService(
        store if store is not None else conversation_store(db, blobs),
        transactions=db,
        conversations=db.conversations,
        log=ReviewLogRepo(db),
        grid=ReviewGridRepo(db),
        scaffolding=ScaffoldingRepo(db),
        enricher=enricher,
        training_files=training_files,
    )


def check_template(template: PromptTemplate) -> None:
    """The prompt check, loading Jinja only when a template is saved."""
    from core.generation.prompts import check_template as check

    check(template)


def build_blob_store(settings: Settings) -> BlobStore:
    if settings.backend == "supabase" and settings.supabase_url and settings.supabase_key:
        from core.storage.supabase_blobs import SupabaseBlobStore  # imported only when configured

        return SupabaseBlobStore(settings.supabase_url, settings.supabase_key)
    return LocalBlobStore(settings.buckets_dir)


def build_services(settings: Settings | None = None, *, migrate: bool | None = None) -> Services:
    """Wire the backend chosen by ``settings``.

    The embedded backend creates its folder and applies migrations on first start; Postgres is
    migrated explicitly with ``python -m core db upgrade`` unless ``migrate=True``.

    The services work in the project ``settings.project`` names (``BRIGHTRUN_PROJECT``; the first project,
    ``default``, unless told otherwise); an unknown project raises ``NotFoundError``.
    """
    settings = settings or Settings()
    if settings.backend == "embedded":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    if migrate if migrate is not None else settings.backend == "embedded":
        db.upgrade()
    services = Services(settings=settings, db=db, blobs=build_blob_store(settings))
    if settings.project in ("", DEFAULT_PROJECT_ID):  # the first project needs no look-up (nor its table yet)
        return services
    try:
        project = services.projects.get(settings.project)
    except BaseException:
        db.dispose()
        raise
    return dataclasses.replace(
        services, settings=settings.model_copy(update={"project": project.slug}), db=db.in_project(project.id)
    )
