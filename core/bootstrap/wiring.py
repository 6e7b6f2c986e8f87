"""Services that tools and tests also build over another ``Database`` (a signed-in user's view, or the
system's): scaffolding, the conversation store, review, the batch engine's ports. ``Services`` builds its own
through these."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.bootstrap import storage
from core.storage.blobs import BlobStore
from core.storage.database import Database

if TYPE_CHECKING:
    from core.batch.store import BatchStore
    from core.conversations.store import ConversationStore
    from core.models.projects import ClientField
    from core.models.scaffolding import PromptTemplate
    from core.review.integrations import Enricher, TrainingFiles
    from core.review.service import ReviewService
    from core.scaffolding.service import Kind, ScaffoldingService, TemplateCheck
    from core.storage.ports import GenerationLogPort, JobQueue


def scaffolding_service(
    db: Database, *, template_check: TemplateCheck | None = None, jobs: Callable[[], JobQueue] | None = None
) -> ScaffoldingService:
    """The scaffolding service over ``db`` (a signed-in user's view, or the system's): its ``ScaffoldingRows`` port,
    and the unfinished batch jobs that still use a record, asked of the ``JobQueue`` port (``jobs`` gives the app's
    queue; else one over ``db``): deleting such a record is refused. The queue is reached only when a deletion
    asks, so listing scaffolding does not load the batch machinery."""
    from core.scaffolding.service import ScaffoldingService, running_jobs_using

    def queue() -> JobQueue:
        return jobs() if jobs is not None else storage.job_queue(db)

    def in_use(kind: Kind, record: Any) -> list[str]:
        return running_jobs_using(queue(), kind, record)

    return ScaffoldingService(storage.scaffolding_rows(db), in_use=in_use, template_check=template_check)


def batch_store(db: Database, *, queue: JobQueue | None = None, calls: GenerationLogPort | None = None) -> BatchStore:
    """The batch engine's ports over ``db``: its transactions, the job queue (``queue``: the app's, else one over
    ``db``), the jobs' rows and log, the call log (``calls``, likewise) and the conversations' rows."""
    from core.batch.store import BatchStore

    return BatchStore(
        transactions=db,
        queue=queue if queue is not None else storage.job_queue(db),
        rows=storage.batch_rows(db),
        calls=calls if calls is not None else storage.call_log(db),
        conversations=db.conversations,
    )


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

    return ReviewService(
        store if store is not None else conversation_store(db, blobs),
        transactions=db,
        conversations=db.conversations,
        log=storage.review_log(db),
        grid=storage.review_grid(db),
        scaffolding=storage.scaffolding_rows(db),
        enricher=enricher,
        training_files=training_files,
    )


def check_template(template: PromptTemplate, fields: list[ClientField] | None = None) -> None:
    """The prompt check (with the project's custom client ``fields``), loading Jinja only when a template is saved."""
    from core.generation.prompts import check_template as check

    check(template, fields)
