"""The stage view of one conversation, for the Enrich page (earlier-system.md §5.2, "pipeline stage view").

Derived from the row alone: ``enrichment_status``, ``enrichment_error`` (prefixed with the stage that
failed, see ``pipeline``) and the timestamps.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from core.models.conversation import Conversation
from core.models.statuses import Enrichment, Stage, StageStatus

STAGES: tuple[tuple[str, str], ...] = (  # key (stored in error prefixes) and what the expert reads
    ("generation", "Written or imported"),
    ("fetch", "File read"),
    ("validation", "Checked for problems"),
    ("enrichment", "Details added"),
    ("normalization", "Format tidied"),
    ("storage", "Training copy saved"),
    ("finalize", "Ready for review"),
)
# How far each status got: every stage before this index is completed.
REACHED = {
    Enrichment.NOT_STARTED: 1,
    Enrichment.VALIDATION_FAILED: 2,
    Enrichment.VALIDATED: 3,
    Enrichment.IN_PROGRESS: 3,
    Enrichment.FAILED: 3,
    Enrichment.NORMALIZATION_FAILED: 4,
    Enrichment.ENRICHED: 6,
    Enrichment.COMPLETED: 7,
}


class StageView(BaseModel):
    key: str
    label: str
    status: StageStatus
    at: datetime | None = None
    detail: str | None = None


def _split_stage(error: str) -> tuple[str | None, str]:
    """The stage an error names first (``pipeline`` writes ``"validation: 2 blocking problems"``) and the
    error without it, for the column that already names the stage; ``(None, error)`` when it names none."""
    stage, _, rest = error.partition(":")
    if stage in dict(STAGES):
        return stage, rest.strip() or error
    return None, error


def _failed_stage(row: Conversation) -> str | None:
    if row.enrichment_status == Enrichment.VALIDATION_FAILED:
        return "validation"
    if row.enrichment_status == Enrichment.NORMALIZATION_FAILED:
        return "normalization"
    if row.enrichment_error and row.enrichment_status != Enrichment.COMPLETED:
        return _split_stage(row.enrichment_error)[0]
    return None


def timeline(row: Conversation) -> list[StageView]:
    """One entry per stage: pending, in progress, completed or failed."""
    reached = REACHED.get(row.enrichment_status, 1) if row.raw_stored_at or row.file_path else 0
    failed = _failed_stage(row)
    if failed is not None:
        reached = [key for key, _ in STAGES].index(failed)
    views = []
    for index, (key, label) in enumerate(STAGES):
        status: StageStatus = Stage.COMPLETED if index < reached else Stage.PENDING
        if key == failed:
            status = Stage.FAILED
        elif index == reached and row.enrichment_status == Enrichment.IN_PROGRESS and failed is None:
            status = Stage.IN_PROGRESS
        at = row.raw_stored_at if key == "generation" else row.enriched_at if key in ("storage", "finalize") else None
        detail = _split_stage(row.enrichment_error)[1] if status == Stage.FAILED and row.enrichment_error else None
        views.append(
            StageView(key=key, label=label, status=status, at=at if status == Stage.COMPLETED else None, detail=detail)
        )
    return views
