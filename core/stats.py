"""Counts of conversations per status, for the home page and ``python -m core stats``."""

from __future__ import annotations

from pydantic import BaseModel

from core.models.statuses import ENRICHMENT_STATUSES, PROCESSING_STATUSES, REVIEW_STATUSES
from core.storage.database import Database


class Stats(BaseModel):
    conversations: int
    processing_status: dict[str, int]
    enrichment_status: dict[str, int]
    review_status: dict[str, int]
    failed_generations: int
    truncated: int


def _complete(counts: dict[str, int], vocabulary: tuple[str, ...]) -> dict[str, int]:
    return {status: counts.get(status, 0) for status in vocabulary}


def conversation_stats(db: Database) -> Stats:
    where = {"is_active": True}
    with db.reading() as conn:
        return Stats(
            conversations=db.conversations.count(where=where, conn=conn),
            processing_status=_complete(
                db.conversations.count_by("processing_status", where=where, conn=conn), PROCESSING_STATUSES
            ),
            enrichment_status=_complete(
                db.conversations.count_by("enrichment_status", where=where, conn=conn), ENRICHMENT_STATUSES
            ),
            review_status=_complete(
                db.conversations.count_by("review_status", where=where, conn=conn), REVIEW_STATUSES
            ),
            failed_generations=db.failures.count(conn=conn),
            truncated=db.conversations.count(where={**where, "is_truncated": True}, conn=conn),
        )
