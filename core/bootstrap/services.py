"""``Services``: every service a page or a command needs, inside one project, each wired on first use from
the shared parts of ``ServicesBase`` (so a command loads only the modules it calls)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING

from core.bootstrap import storage
from core.bootstrap.base import ServicesBase
from core.bootstrap.wiring import check_template, conversation_store, review_service, scaffolding_service

if TYPE_CHECKING:  # each service module is imported on first use, so a command loads only what it needs
    from core.batch.service import BatchService
    from core.conversation_actions import ConversationActions
    from core.conversations.store import ConversationStore
    from core.costs import CostReport
    from core.enrichment.pipeline import EnrichmentService
    from core.evaluation.service import EvaluationService
    from core.export import ExportService, TrainingFileService
    from core.generation.service import GenerationService
    from core.importer import Importer
    from core.models.jobs import BatchJob
    from core.review.failures import FailuresService
    from core.review.service import ReviewService
    from core.scaffolding.client_fields import ClientFieldsService
    from core.scaffolding.drafting import DraftingService
    from core.scaffolding.service import ScaffoldingService
    from core.spec.claude_calls import CallContext
    from core.spec.projects import SpecProjectService
    from core.stats import Stats
    from core.training.service import TrainingService


@dataclass
class Services(ServicesBase):
    """Everything a page or a command needs, inside one project (``project``). Services are built lazily, on
    first use. ``in_project`` gives the same services inside another project (same engine, files and Claude
    client); ``projects`` lists, makes and deletes projects."""

    @cached_property
    def scaffolding(self) -> ScaffoldingService:
        service = scaffolding_service(
            self.db,
            template_check=lambda t: check_template(t, self.client_fields.list()),
            jobs=lambda: self.job_queue,
        )
        service.declare_fields = lambda names: self.client_fields.declare(names)
        return service

    @cached_property
    def client_fields(self) -> ClientFieldsService:
        """The custom fields the project gives its clients (declared with the project)."""
        from core.scaffolding.client_fields import ClientFieldsService

        return ClientFieldsService(
            read=lambda: self.project.client_fields,
            write=partial(self.projects.set_client_fields, self.project_id),
            scaffolding=self.scaffolding,
        )

    @cached_property
    def drafting(self) -> DraftingService:
        """Claude's proposed starter set (clients, emotional journeys, topics) for this project."""
        from core.scaffolding.drafting import DraftingService

        return DraftingService(
            self.scaffolding,
            lambda: self.call_ledger,
            self.settings,
            llm=lambda: self.llm,
            project=lambda: self.project,
        )

    @cached_property
    def conversations(self) -> ConversationStore:
        return conversation_store(self.db, self.blobs)

    @cached_property
    def importer(self) -> Importer:
        from core.importer import Importer

        return Importer(
            self.conversations, self.scaffolding, max_bytes=self.settings.max_upload_bytes, log=self.review_log
        )

    @cached_property
    def generation(self) -> GenerationService:
        from core.generation.service import GenerationService

        return GenerationService(
            self.failure_writer,
            self.blobs,
            self.scaffolding,
            self.conversations,
            self.settings,
            llm=lambda: self.llm,
            calls=self.call_ledger,
            client_fields=lambda: self.client_fields.list(),
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
    def failures(self) -> FailuresService:
        from core.review.failures import FailuresService

        return FailuresService(storage.failure_log(self.db), self.blobs)

    @cached_property
    def batch(self) -> BatchService:
        from core.batch.service import BatchService, generation_usage

        return BatchService(
            self.batch_store,
            self.scaffolding,
            self.settings,
            usage_for=generation_usage(lambda: self.generation),
            settle_batches=self._settle_batches,
        )

    def _settle_batches(self, job: BatchJob) -> int:
        """A cancelled Message Batches job: cancel its batches at the API, ingest what has ended."""
        from core.batch.generation_processor import GenerationProcessor
        from core.batch.liveness import worker_id
        from core.batch.message_batches import MessageBatchDriver

        processor = GenerationProcessor(self.batch_store, self.generation, lambda: self.llm)
        return MessageBatchDriver(self.batch_store, processor, lambda: self.llm, owner=worker_id()).settle(job)

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
            judge_factory=lambda: ClaudeJudge(self.llm, self.call_ledger, self.settings),
        )

    @cached_property
    def actions(self) -> ConversationActions:
        """Everyday actions on one conversation: generate and enrich, regenerate, delete and undo."""
        from core.conversation_actions import ConversationActions

        return ConversationActions(
            self.db.conversations,
            self.scaffolding_rows,
            self.generation,
            self.enrichment,
            self.review,
            enrich_after_generate=self.settings.enrich_after_generate,
            training_files=storage.training_file_rows(self.db),
        )

    def cost_report(self) -> CostReport:
        """Spend over time by model, job and template; per conversation and training file."""
        from core.costs import CostSources, cost_report
        from core.names import Names

        sources = CostSources(storage.spend_log(self.db), self.conversation_rows, storage.training_file_rows(self.db))
        return cost_report(sources, Names.of(self.scaffolding))

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

        return SpecProjectService(
            storage.spec_project_rows(self.db),
            self.failure_writer,
            self.blobs,
            self.settings,
            llm=lambda: self.llm,
            ledger=self.call_ledger,
        )

    def spec_calls(self) -> CallContext:
        """Where the command line's spec calls (outside a saved spec project) are logged, their failures
        recorded, and the Claude client they use."""
        from core.spec.claude_calls import CallContext

        return CallContext(
            failures=self.failure_writer,
            blobs=self.blobs,
            settings=self.settings,
            client=lambda: self.llm,
            ledger=self.call_ledger,
        )

    @cached_property
    def evaluation(self) -> EvaluationService:
        """Trying a trained model beside its base, the held-out scorecard, and blind A/B picks."""
        from core.evaluation.service import EvaluationService

        return EvaluationService(
            self.db,
            self.evaluation_rows,
            self.blobs,
            self.settings,
            self.scaffolding,
            llm=lambda: self.llm,
            ledger=lambda: self.call_ledger,
        )

    @cached_property
    def training_files(self) -> TrainingFileService:
        from core.export import TrainingFileService

        return TrainingFileService(self.exports, storage.training_file_rows(self.db))

    @cached_property
    def training(self) -> TrainingService:
        from core.training.service import TrainingService

        return TrainingService(storage.training_rows(self.db), self.blobs, self.training_files, self.settings)

    def stats(self) -> Stats:
        from core.stats import conversation_stats

        return conversation_stats(storage.status_counts(self.db))
