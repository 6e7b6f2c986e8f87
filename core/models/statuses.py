"""The one vocabulary of each status field; people see them through ``core.models.status_labels``."""

from __future__ import annotations

from typing import Literal, get_args

ProcessingStatus = Literal["queued", "generating", "raw_stored", "parsed", "parse_failed", "failed"]
EnrichmentStatus = Literal[
    "not_started",
    "validation_failed",
    "validated",
    "enrichment_in_progress",
    "enrichment_failed",
    "enriched",
    "normalization_failed",
    "completed",
]
ReviewStatus = Literal["pending_review", "approved", "rejected", "needs_revision", "archived"]
JobStatus = Literal["queued", "processing", "paused", "completed", "failed", "cancelled"]
ItemStatus = Literal["queued", "processing", "completed", "failed", "cancelled"]
QualityTier = Literal["seed_dataset", "production", "experimental", "rejected"]
TrainingFileStatus = Literal["active", "archived", "processing", "failed"]
CallStatus = Literal["success", "failed", "rate_limited", "timeout", "sent"]

PROCESSING_STATUSES: tuple[str, ...] = get_args(ProcessingStatus)
ENRICHMENT_STATUSES: tuple[str, ...] = get_args(EnrichmentStatus)
REVIEW_STATUSES: tuple[str, ...] = get_args(ReviewStatus)
JOB_STATUSES: tuple[str, ...] = get_args(JobStatus)
ITEM_STATUSES: tuple[str, ...] = get_args(ItemStatus)
TRAINING_FILE_STATUSES: tuple[str, ...] = get_args(TrainingFileStatus)
CALL_STATUSES: tuple[str, ...] = get_args(CallStatus)


def quality_tier(score: float | None) -> QualityTier:
    """Map a 1.0–5.0 quality score to its tier (one scale everywhere)."""
    if score is None:
        return "experimental"
    if score >= 4.5:
        return "seed_dataset"
    if score >= 3.5:
        return "production"
    if score >= 2.5:
        return "experimental"
    return "rejected"
