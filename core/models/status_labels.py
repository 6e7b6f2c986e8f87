"""Plain words and a colour for every status value: the one mapping every page and the CLI use.

People never see a raw status key (``raw_stored``, ``pending_review``); they see the label here, in the
colour here. Colours are the names Streamlit's coloured text and badges accept (``:green-badge[...]``).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from core.models.statuses import (
    Call,
    Enrichment,
    Item,
    Job,
    Phase,
    Processing,
    Review,
    SpecStep,
    Stage,
    Tier,
    Training,
    TrainingFileState,
)

StatusField = Literal[
    "processing",
    "enrichment",
    "review",
    "job",
    "item",
    "tier",
    "training_file",
    "call",
    "spec_step",
    "spec_section",
    "stage",
    "training_job",
    "training_phase",
]
Colour = Literal["green", "orange", "red", "violet", "blue", "gray"]


class StatusLabel(NamedTuple):
    text: str
    colour: Colour


LABELS: dict[StatusField, dict[str, StatusLabel]] = {
    "processing": {
        Processing.QUEUED: StatusLabel("Waiting to be written", "gray"),
        Processing.GENERATING: StatusLabel("Being written", "blue"),
        Processing.RAW_STORED: StatusLabel("Reply saved, not yet read", "orange"),
        Processing.PARSED: StatusLabel("Written", "green"),
        Processing.PARSE_FAILED: StatusLabel("Claude's reply could not be read", "red"),
        Processing.FAILED: StatusLabel("Writing failed", "red"),
    },
    "enrichment": {
        Enrichment.NOT_STARTED: StatusLabel("Not enriched yet", "gray"),
        Enrichment.VALIDATION_FAILED: StatusLabel("Failed the checks", "red"),
        Enrichment.VALIDATED: StatusLabel("Checked", "blue"),
        Enrichment.IN_PROGRESS: StatusLabel("Enriching…", "blue"),
        Enrichment.FAILED: StatusLabel("Enrichment failed", "red"),
        Enrichment.ENRICHED: StatusLabel("Enriched, not finalised", "blue"),
        Enrichment.NORMALIZATION_FAILED: StatusLabel("Could not be finalised", "red"),
        Enrichment.COMPLETED: StatusLabel("Enriched", "green"),
    },
    "review": {
        Review.PENDING: StatusLabel("Waiting for review", "orange"),
        Review.APPROVED: StatusLabel("Approved", "green"),
        Review.REJECTED: StatusLabel("Rejected", "red"),
        Review.NEEDS_REVISION: StatusLabel("Needs another pass", "violet"),
        Review.ARCHIVED: StatusLabel("Archived", "gray"),
    },
    "job": {
        Job.QUEUED: StatusLabel("Waiting to start", "gray"),
        Job.PROCESSING: StatusLabel("Running", "blue"),
        Job.PAUSED: StatusLabel("Paused", "orange"),
        Job.COMPLETED: StatusLabel("Finished", "green"),
        Job.FAILED: StatusLabel("Failed", "red"),
        Job.CANCELLED: StatusLabel("Cancelled", "gray"),
    },
    "item": {
        Item.QUEUED: StatusLabel("Waiting", "gray"),
        Item.PROCESSING: StatusLabel("In progress", "blue"),
        Item.COMPLETED: StatusLabel("Done", "green"),
        Item.FAILED: StatusLabel("Failed", "red"),
        Item.CANCELLED: StatusLabel("Cancelled", "gray"),
    },
    "tier": {
        Tier.SEED_DATASET: StatusLabel("Seed quality", "green"),
        Tier.PRODUCTION: StatusLabel("Production quality", "blue"),
        Tier.EXPERIMENTAL: StatusLabel("Experimental", "orange"),
        Tier.REJECTED: StatusLabel("Below the bar", "red"),
    },
    "training_file": {
        TrainingFileState.ACTIVE: StatusLabel("Ready", "green"),
        TrainingFileState.PROCESSING: StatusLabel("Being built", "blue"),
        TrainingFileState.ARCHIVED: StatusLabel("Archived", "gray"),
        TrainingFileState.FAILED: StatusLabel("Failed", "red"),
    },
    "call": {
        Call.SENT: StatusLabel("Sent, no answer yet", "blue"),
        Call.SUCCESS: StatusLabel("Answered", "green"),
        Call.FAILED: StatusLabel("Failed", "red"),
        Call.RATE_LIMITED: StatusLabel("Rate limited", "orange"),
        Call.TIMEOUT: StatusLabel("Timed out", "orange"),
    },
    "spec_step": {  # a step of a spec project (core.spec.project_steps)
        SpecStep.NOT_STARTED: StatusLabel("Not done yet", "gray"),
        SpecStep.DONE: StatusLabel("Done", "green"),
        SpecStep.PARTLY_DONE: StatusLabel("Partly done", "orange"),
        SpecStep.FAILED: StatusLabel("Failed", "red"),
        SpecStep.OUT_OF_DATE: StatusLabel("Made from an older step", "orange"),
    },
    "spec_section": {  # one section's execution prompts
        SpecStep.DONE: StatusLabel("Written", "green"),
        SpecStep.FAILED: StatusLabel("Failed", "red"),
        SpecStep.NOT_STARTED: StatusLabel("Not written yet", "gray"),
    },
    "stage": {  # one stage of the Enrich page's stage view (core.enrichment.timeline)
        Stage.PENDING: StatusLabel("Not yet", "gray"),
        Stage.IN_PROGRESS: StatusLabel("In progress", "blue"),
        Stage.COMPLETED: StatusLabel("Done", "green"),
        Stage.FAILED: StatusLabel("Failed", "red"),
    },
    "training_job": {  # a training job (core.models.training_jobs)
        Training.QUEUED: StatusLabel("Waiting to start", "gray"),
        Training.RUNNING: StatusLabel("Training", "blue"),
        Training.COMPLETED: StatusLabel("Ready", "green"),
        Training.FAILED: StatusLabel("Failed", "red"),
        Training.CANCELLED: StatusLabel("Cancelled", "gray"),
    },
    "training_phase": {  # the job view's steps
        Phase.UPLOADING: StatusLabel("Uploading", "blue"),
        Phase.QUEUED: StatusLabel("Queued", "gray"),
        Phase.TRAINING: StatusLabel("Training", "blue"),
        Phase.SAVING: StatusLabel("Saving", "blue"),
        Phase.READY: StatusLabel("Ready", "green"),
        Phase.FAILED: StatusLabel("Failed", "red"),
        Phase.CANCELLED: StatusLabel("Cancelled", "gray"),
    },
}


def status_label(field: StatusField, value: str | None) -> StatusLabel:
    """The label and colour of ``value`` in ``field``; an unknown value is shown as itself, in grey."""
    if value is None:
        return StatusLabel("—", "gray")
    return LABELS[field].get(value) or StatusLabel(value.replace("_", " ").capitalize(), "gray")


def status_text(field: StatusField, value: str | None) -> str:
    """Just the words for ``value`` (tables, CSV, the CLI)."""
    return status_label(field, value).text


def status_badge(field: StatusField, value: str | None) -> str:
    """Streamlit Markdown for a coloured badge (``:green-badge[Approved]``)."""
    label = status_label(field, value)
    return f":{label.colour}-badge[{label.text}]"
