"""The one vocabulary of each status field, with names to write them by (the groups: ``groups.py``).

Code writes ``Review.APPROVED``, never ``"approved"``: each constant's type is its ``Literal`` value, so
mypy still checks it against the field's vocabulary, and the stored value (SQL, JSON, pydantic dumps)
is the same string as before. People see statuses through ``core.models.status_labels``.
``tests/unit/test_status_literals.py`` fails when a raw status string appears in ``core/`` or ``pages/``.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

# --- the vocabularies ----------------------------------------------------------------------------------
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
#: How working one item ended (``core.batch.processor.ItemResult``).
ItemEnd = Literal["completed", "failed", "cancelled"]
QualityTier = Literal["seed_dataset", "production", "experimental", "rejected"]
TrainingFileStatus = Literal["active", "archived", "processing", "failed"]
CallStatus = Literal["success", "failed", "rate_limited", "timeout", "sent"]
#: A spec project's step as a person sees it (``core.spec.project_steps.step_status``).
SpecStepStatus = Literal["not_started", "done", "failed", "partly_done", "out_of_date"]
#: What a spec step or one section's execution prompt last did (stored in ``SpecProject.steps``).
SpecRunStatus = Literal["not_started", "done", "failed"]
#: What one section's execution prompt did.
SpecSectionStatus = Literal["done", "failed"]
#: One stage of the Enrich page's stage view (``core.enrichment.timeline``), derived, never stored.
StageStatus = Literal["pending", "in_progress", "completed", "failed"]
#: What one enrichment run of one conversation did (``core.enrichment.models.EnrichmentOutcome``).
OutcomeKind = Literal["succeeded", "failed", "skipped"]
#: A training job (``core.models.training_jobs.TrainingJob.status``): what ``train status --json`` prints.
TrainingJobStatus = Literal["queued", "running", "completed", "failed", "cancelled"]
#: Where a training job is, as a person follows it (Uploading → Queued → Training → Saving → Ready).
TrainingPhase = Literal["uploading", "queued", "training", "saving", "ready", "failed", "cancelled"]
#: A fine-tuning job's status as the hosted service (Together) reports it; mapped by ``core.training.hosted``.
HostedJobStatus = Literal[
    "pending",
    "queued",
    "running",
    "compressing",
    "uploading",
    "cancel_requested",
    "cancelled",
    "error",
    "user_error",
    "completed",
]
#: ``EvaluationRun.status``: a held-out scorecard run of a trained model.
EvaluationStatus = Literal["running", "completed", "budget_reached", "failed"]
#: ``EvaluationJudgment.outcome``: which answer the judge preferred for one client turn, or that it failed.
VerdictOutcome = Literal["tuned", "base", "tie", "failed"]


class Processing:
    """``Conversation.processing_status``: how far writing the conversation got."""

    QUEUED: Final = "queued"
    GENERATING: Final = "generating"
    RAW_STORED: Final = "raw_stored"
    PARSED: Final = "parsed"
    PARSE_FAILED: Final = "parse_failed"
    FAILED: Final = "failed"


class Enrichment:
    """``Conversation.enrichment_status``: how far the five-stage enrichment pipeline got."""

    NOT_STARTED: Final = "not_started"
    VALIDATION_FAILED: Final = "validation_failed"
    VALIDATED: Final = "validated"
    IN_PROGRESS: Final = "enrichment_in_progress"
    FAILED: Final = "enrichment_failed"
    ENRICHED: Final = "enriched"
    NORMALIZATION_FAILED: Final = "normalization_failed"
    COMPLETED: Final = "completed"


class Review:
    """``Conversation.review_status``."""

    PENDING: Final = "pending_review"
    APPROVED: Final = "approved"
    REJECTED: Final = "rejected"
    NEEDS_REVISION: Final = "needs_revision"
    ARCHIVED: Final = "archived"


class Job:
    """``BatchJob.status``."""

    QUEUED: Final = "queued"
    PROCESSING: Final = "processing"
    PAUSED: Final = "paused"
    COMPLETED: Final = "completed"
    FAILED: Final = "failed"
    CANCELLED: Final = "cancelled"


class Item:
    """``BatchItem.status``."""

    QUEUED: Final = "queued"
    PROCESSING: Final = "processing"
    COMPLETED: Final = "completed"
    FAILED: Final = "failed"
    CANCELLED: Final = "cancelled"


#: What a batch claim found (``core.storage.jobqueue.claim``): items, or why there are none.
ClaimState = Literal["claimed", "waiting", "done", "stopped", "budget"]


class ClaimFound:
    """``ClaimState``: items claimed, or why none (others hold the rest; nothing left; the job stopped; its
    budget cap leaves no room)."""

    CLAIMED: Final = "claimed"
    WAITING: Final = "waiting"
    DONE: Final = "done"
    STOPPED: Final = "stopped"
    BUDGET: Final = "budget"


class Tier:
    """``Conversation.quality_tier`` (see ``quality_tier``)."""

    SEED_DATASET: Final = "seed_dataset"
    PRODUCTION: Final = "production"
    EXPERIMENTAL: Final = "experimental"
    REJECTED: Final = "rejected"


class TrainingFileState:
    """``TrainingFile.status`` (named apart from the ``TrainingFile`` record)."""

    ACTIVE: Final = "active"
    ARCHIVED: Final = "archived"
    PROCESSING: Final = "processing"
    FAILED: Final = "failed"


class Call:
    """``GenerationLog.status``: one call to Claude."""

    SENT: Final = "sent"
    SUCCESS: Final = "success"
    FAILED: Final = "failed"
    RATE_LIMITED: Final = "rate_limited"
    TIMEOUT: Final = "timeout"


class SpecStep:
    """A spec project's step (``SpecStepStatus``) and what a step or section run last did (``SpecRunStatus``)."""

    NOT_STARTED: Final = "not_started"
    DONE: Final = "done"
    FAILED: Final = "failed"
    PARTLY_DONE: Final = "partly_done"
    OUT_OF_DATE: Final = "out_of_date"


class Stage:
    """One stage of the Enrich page's stage view."""

    PENDING: Final = "pending"
    IN_PROGRESS: Final = "in_progress"
    COMPLETED: Final = "completed"
    FAILED: Final = "failed"


class ApiBatch:
    """``processing_status`` of a batch at Anthropic's Message Batches API (``MessageBatchInfo``)."""

    IN_PROGRESS: Final = "in_progress"
    CANCELING: Final = "canceling"
    ENDED: Final = "ended"


class Outcome:
    """What one enrichment run of one conversation did."""

    SUCCEEDED: Final = "succeeded"
    FAILED: Final = "failed"
    SKIPPED: Final = "skipped"


class Training:
    """``TrainingJob.status``."""

    QUEUED: Final = "queued"
    RUNNING: Final = "running"
    COMPLETED: Final = "completed"
    FAILED: Final = "failed"
    CANCELLED: Final = "cancelled"


class Phase:
    """``TrainingJob.phase``: the steps a person sees on the job view."""

    UPLOADING: Final = "uploading"
    QUEUED: Final = "queued"
    TRAINING: Final = "training"
    SAVING: Final = "saving"
    READY: Final = "ready"
    FAILED: Final = "failed"
    CANCELLED: Final = "cancelled"


class Hosted:
    """``HostedJobStatus``: the hosted fine-tuning service's own words for a job."""

    PENDING: Final = "pending"
    QUEUED: Final = "queued"
    RUNNING: Final = "running"
    COMPRESSING: Final = "compressing"
    UPLOADING: Final = "uploading"
    CANCEL_REQUESTED: Final = "cancel_requested"
    CANCELLED: Final = "cancelled"
    ERROR: Final = "error"
    USER_ERROR: Final = "user_error"
    COMPLETED: Final = "completed"


class Evaluation:
    """``EvaluationRun.status``: how a held-out scorecard run ended (``budget_reached``: stopped between
    calls at its spending limit)."""

    RUNNING: Final = "running"
    COMPLETED: Final = "completed"
    BUDGET_REACHED: Final = "budget_reached"
    FAILED: Final = "failed"


class Verdict:
    """``EvaluationJudgment.outcome``: the tuned model's answer won, the base model's did, a tie, or the judge
    failed (never counted as a win or a loss)."""

    TUNED: Final = "tuned"
    BASE: Final = "base"
    TIE: Final = "tie"
    FAILED: Final = "failed"


PROCESSING_STATUSES: tuple[str, ...] = get_args(ProcessingStatus)
ENRICHMENT_STATUSES: tuple[str, ...] = get_args(EnrichmentStatus)
REVIEW_STATUSES: tuple[str, ...] = get_args(ReviewStatus)
JOB_STATUSES: tuple[str, ...] = get_args(JobStatus)
ITEM_STATUSES: tuple[str, ...] = get_args(ItemStatus)
TIER_VALUES: tuple[str, ...] = get_args(QualityTier)
TRAINING_FILE_STATUSES: tuple[str, ...] = get_args(TrainingFileStatus)
CALL_STATUSES: tuple[str, ...] = get_args(CallStatus)
TRAINING_JOB_STATUSES: tuple[str, ...] = get_args(TrainingJobStatus)
TRAINING_PHASES: tuple[str, ...] = get_args(TrainingPhase)

#: Every vocabulary by the ``status_labels`` field that shows it, plus two no label shows (an enrichment run's
#: outcome, a batch claim's state). ``tests/unit/test_status_literals.py`` checks code against all of them.
#: The hosted service's own words (``HostedJobStatus``) are not ours and stay out.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "processing": PROCESSING_STATUSES,
    "enrichment": ENRICHMENT_STATUSES,
    "review": REVIEW_STATUSES,
    "job": JOB_STATUSES,
    "item": ITEM_STATUSES,
    "tier": TIER_VALUES,
    "training_file": TRAINING_FILE_STATUSES,
    "call": CALL_STATUSES,
    "spec_step": get_args(SpecStepStatus),
    "spec_section": get_args(SpecRunStatus),
    "stage": get_args(StageStatus),
    "outcome": get_args(OutcomeKind),
    "claim": get_args(ClaimState),
    "training_job": TRAINING_JOB_STATUSES,
    "training_phase": TRAINING_PHASES,
    "evaluation": get_args(EvaluationStatus),
}
