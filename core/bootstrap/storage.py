"""Storage building: the database of ``settings`` (migrated when asked), the blob store, and each storage port
over a ``Database``. The only place outside ``core/storage`` that names a storage implementation; each is
imported on first use, so a command loads only what it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.settings import Settings
from core.storage.blobs import BlobStore, LocalBlobStore
from core.storage.database import Database

if TYPE_CHECKING:
    from core.storage.ports import (
        BatchRows,
        DemoRows,
        EvaluationRows,
        FailureLog,
        FailureWriter,
        GenerationLogPort,
        JobQueue,
        ProjectRows,
        ReviewGrid,
        ReviewLog,
        ScaffoldingRows,
        SpecProjectRows,
        SpendLog,
        StatusCounts,
        TrainingFileRows,
        TrainingRows,
    )


def open_database(settings: Settings, *, migrate: bool | None = None) -> Database:
    """The database ``settings`` name. The embedded backend creates its folder and applies migrations on first
    start; Postgres is migrated explicitly with ``python -m core db upgrade`` unless ``migrate=True``."""
    if settings.backend == "embedded":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    if migrate if migrate is not None else settings.backend == "embedded":
        db.upgrade()
    return db


def build_blob_store(settings: Settings) -> BlobStore:
    if settings.backend == "supabase" and settings.supabase_url and settings.supabase_key:
        from core.storage.supabase_blobs import SupabaseBlobStore  # imported only when configured

        return SupabaseBlobStore(settings.supabase_url, settings.supabase_key)
    return LocalBlobStore(settings.buckets_dir)


def project_rows(db: Database) -> ProjectRows:
    from core.storage.projects_repo import ProjectsRepo

    return ProjectsRepo(db)


def review_log(db: Database) -> ReviewLog:
    from core.storage.review_log_repo import ReviewLogRepo

    return ReviewLogRepo(db)


def review_grid(db: Database) -> ReviewGrid:
    from core.storage.review_grid_repo import ReviewGridRepo

    return ReviewGridRepo(db)


def scaffolding_rows(db: Database) -> ScaffoldingRows:
    from core.storage.scaffolding_repo import ScaffoldingRepo

    return ScaffoldingRepo(db)


def failure_log(db: Database) -> FailureLog:
    from core.storage.failures_repo import FailuresRepo

    return FailuresRepo(db)


def failure_writer(db: Database) -> FailureWriter:
    from core.storage.failures_repo import FailuresRepo

    return FailuresRepo(db)


def call_log(db: Database) -> GenerationLogPort:
    """One ``generation_logs`` row per model call, and the job spend they add up to."""
    from core.storage.calllog import SqlCallLog

    return SqlCallLog(db)


def batch_rows(db: Database) -> BatchRows:
    """Batch jobs and their items as typed rows, and the jobs' log."""
    from core.storage.batch_rows import SqlBatchRows

    return SqlBatchRows(db)


def job_queue(db: Database) -> JobQueue:
    from core.storage.jobqueue import SqlJobQueue

    return SqlJobQueue(db)


def training_file_rows(db: Database) -> TrainingFileRows:
    from core.storage.training_files_repo import TrainingFilesRepo

    return TrainingFilesRepo(db)


def training_rows(db: Database) -> TrainingRows:
    from core.storage.training_repo import TrainingRepo

    return TrainingRepo(db)


def spend_log(db: Database) -> SpendLog:
    from core.storage.spend import SpendRepo

    return SpendRepo(db)


def status_counts(db: Database) -> StatusCounts:
    from core.storage.spend import StatsRepo

    return StatsRepo(db)


def evaluation_rows(db: Database) -> EvaluationRows:
    from core.storage.evaluation_repo import EvaluationRepo

    return EvaluationRepo(db)


def demo_rows(db: Database) -> DemoRows:
    from core.storage.demo_repo import DemoRepo

    return DemoRepo(db)


def spec_project_rows(db: Database) -> SpecProjectRows:
    from core.storage.spec_projects_repo import SpecProjectsRepo

    return SpecProjectsRepo(db)
