"""Counts of conversations per status, for the home page and ``python -m core stats``."""

from __future__ import annotations

from pydantic import BaseModel

from core.models.statuses import ENRICHMENT_STATUSES, PROCESSING_STATUSES, REVIEW_STATUSES
from core.storage.ports import StatusCounts


class Stats(BaseModel):
    conversations: int
    processing_status: dict[str, int]
    enrichment_status: dict[str, int]
    review_status: dict[str, int]
    failed_generations: int
    truncated: int


def _complete(counts: dict[str, int], vocabulary: tuple[str, ...]) -> dict[str, int]:
    return {status: counts.get(status, 0) for status in vocabulary}


def conversation_stats(source: StatusCounts) -> Stats:
    """Every status of each vocabulary, with 0 for the ones no conversation has."""
    counts = source.counts()
    return Stats(
        conversations=counts.conversations,
        processing_status=_complete(counts.processing_status, PROCESSING_STATUSES),
        enrichment_status=_complete(counts.enrichment_status, ENRICHMENT_STATUSES),
        review_status=_complete(counts.review_status, REVIEW_STATUSES),
        failed_generations=counts.failed_generations,
        truncated=counts.truncated,
    )
