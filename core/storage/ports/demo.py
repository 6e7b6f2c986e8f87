"""The demo's port: writing the history the demo's conversations would have (a finished batch job with its items
and log, the call rows each generation would have logged, back-dated to the days they stand for)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from core.models.jobs import BatchItem, BatchJob, BatchLogLine
    from core.models.logs import GenerationLog
    from core.models.training import TrainingFile


class DemoRows(Protocol):
    """What the demo records beside its conversations, in the project it fills."""

    def has_job(self, name: str) -> bool:
        """Whether the project has a batch job of this name."""
        ...

    def has_calls(self, conversation_id: str) -> bool:
        """Whether any call row names this conversation."""
        ...

    def add_job(self, job: BatchJob, items: list[BatchItem]) -> None:
        """The job and its items, in one transaction."""
        ...

    def add_item(self, item: BatchItem) -> None: ...

    def update_job(self, job_id: str, **fields: Any) -> BatchJob:
        """Change the job's fields (validated through ``BatchJob``)."""
        ...

    def add_log_lines(self, lines: list[BatchLogLine]) -> None:
        """A job's log lines, in one transaction."""
        ...

    def add_call(self, row: GenerationLog) -> None:
        """A call row as given (its ``created_at`` kept)."""
        ...

    def link(self, conversation_id: str, *, template_id: str | None, job_id: str | None) -> None:
        """Set which prompt template and batch job made the conversation."""
        ...

    def backdate_failed_calls(self, job_id: str, at: datetime) -> None:
        """Move the job's failed call rows to ``at``."""
        ...

    def backdate_failure(self, failure_id: str, at: datetime) -> None:
        """Move one failed-generation record to ``at``."""
        ...

    def mark_demo(self, *, job_id: str, conversation_ids: list[str]) -> None:
        """Mark the job's call rows and the rows of ``conversation_ids`` as demo data (never spend)."""
        ...

    def training_file(self, name: str, created_by: str | None) -> TrainingFile | None:
        """The owner's training file of this name (any status)."""
        ...
