"""Every status group: each set of statuses that code tests against, defined once, and the mappings to a status."""

from __future__ import annotations

from core.models.statuses.vocabularies import (
    Call,
    CallStatus,
    Enrichment,
    EnrichmentStatus,
    Hosted,
    HostedJobStatus,
    Item,
    ItemStatus,
    Job,
    JobStatus,
    Phase,
    QualityTier,
    Review,
    ReviewStatus,
    Tier,
    Training,
    TrainingJobStatus,
    TrainingPhase,
)

# --- the groups: each set of statuses that code tests against, defined once ------------------------------
#: Enrichment statuses with an enriched file stored (the review's "enriched" download, approval's guard).
ENRICHED: tuple[EnrichmentStatus, ...] = (Enrichment.ENRICHED, Enrichment.COMPLETED)
#: Enrichment statuses ``enrich --all`` runs: not started, interrupted part-way (a crash leaves these), or failed
#: at the enrichment stage. A failed check or normalization waits for "Retry failed" instead.
ENRICHMENT_TO_RUN: tuple[EnrichmentStatus, ...] = (
    Enrichment.NOT_STARTED,
    Enrichment.VALIDATED,
    Enrichment.IN_PROGRESS,
    Enrichment.ENRICHED,
    Enrichment.FAILED,
)
#: Enrichment statuses that mean a stage failed.
ENRICHMENT_FAILURES: tuple[EnrichmentStatus, ...] = (
    Enrichment.VALIDATION_FAILED,
    Enrichment.NORMALIZATION_FAILED,
    Enrichment.FAILED,
)
#: Review statuses a reviewer may approve, reject (and, from pending only, send back) from.
REVIEWABLE: tuple[ReviewStatus, ...] = (Review.PENDING, Review.NEEDS_REVISION)
#: Review statuses a reviewer decided (the checklist's "reviewed").
REVIEWED: tuple[ReviewStatus, ...] = (Review.APPROVED, Review.REJECTED, Review.NEEDS_REVISION)
#: Review statuses that are settled: only moving back to review leaves them.
SETTLED: tuple[ReviewStatus, ...] = (Review.APPROVED, Review.REJECTED, Review.ARCHIVED)
#: Review statuses a KTO export includes by default (desirable / undesirable).
KTO_DEFAULT: tuple[ReviewStatus, ...] = (Review.APPROVED, Review.REJECTED)
#: Job and item statuses a worker still claims from: waiting, or running.
RUNNABLE: tuple[ItemStatus, ...] = (Item.QUEUED, Item.PROCESSING)
#: Job statuses that are not finished: runnable, or paused (resumable).
JOB_UNFINISHED: tuple[JobStatus, ...] = (Job.QUEUED, Job.PROCESSING, Job.PAUSED)
#: Job statuses a person set that stop the workers: paused or cancelled.
JOB_STOPPED: tuple[JobStatus, ...] = (Job.PAUSED, Job.CANCELLED)
#: Job and item statuses nothing changes any more.
TERMINAL: tuple[ItemStatus, ...] = (Item.COMPLETED, Item.FAILED, Item.CANCELLED)
#: Training job statuses a worker still works on (or picks up again after a crash).
TRAINING_UNFINISHED: tuple[TrainingJobStatus, ...] = (Training.QUEUED, Training.RUNNING)
#: Training job statuses nothing changes any more.
TRAINING_TERMINAL: tuple[TrainingJobStatus, ...] = (Training.COMPLETED, Training.FAILED, Training.CANCELLED)
#: The phases shown as the job view's steps, in order (a failed or cancelled job stops at one of them).
TRAINING_STEPS: tuple[TrainingPhase, ...] = (Phase.UPLOADING, Phase.QUEUED, Phase.TRAINING, Phase.SAVING, Phase.READY)
#: Hosted statuses of a job that is over, and those that mean it failed.
HOSTED_OVER: tuple[HostedJobStatus, ...] = (Hosted.COMPLETED, Hosted.CANCELLED, Hosted.ERROR, Hosted.USER_ERROR)
HOSTED_FAILED: tuple[HostedJobStatus, ...] = (Hosted.ERROR, Hosted.USER_ERROR)
#: The call status each ``ClaudeError.code`` is logged as; any other error is ``Call.FAILED``.
CALL_STATUS_BY_ERROR_CODE: dict[str, CallStatus] = {"rate_limited": Call.RATE_LIMITED, "timeout": Call.TIMEOUT}


def call_status(error_code: str | None) -> CallStatus:
    """The status a failed call is logged with: rate limited, timed out, or failed."""
    return CALL_STATUS_BY_ERROR_CODE.get(error_code or "", Call.FAILED)


def quality_tier(score: float | None) -> QualityTier:
    """Map a 1.0–5.0 quality score to its tier (one scale everywhere)."""
    if score is None:
        return Tier.EXPERIMENTAL
    if score >= 4.5:
        return Tier.SEED_DATASET
    if score >= 3.5:
        return Tier.PRODUCTION
    if score >= 2.5:
        return Tier.EXPERIMENTAL
    return Tier.REJECTED
