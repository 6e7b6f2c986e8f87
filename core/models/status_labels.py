"""Plain words and a colour for every status value: the one mapping every page and the CLI use.

People never see a raw status key (``raw_stored``, ``pending_review``); they see the label here, in the
colour here. Colours are the names Streamlit's coloured text and badges accept (``:green-badge[...]``).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

StatusField = Literal[
    "processing", "enrichment", "review", "job", "item", "tier", "training_file", "call", "spec_step", "spec_section"
]
Colour = Literal["green", "orange", "red", "violet", "blue", "gray"]


class StatusLabel(NamedTuple):
    text: str
    colour: Colour


LABELS: dict[StatusField, dict[str, StatusLabel]] = {
    "processing": {
        "queued": StatusLabel("Waiting to be written", "gray"),
        "generating": StatusLabel("Being written", "blue"),
        "raw_stored": StatusLabel("Reply saved, not yet read", "orange"),
        "parsed": StatusLabel("Written", "green"),
        "parse_failed": StatusLabel("Claude's reply could not be read", "red"),
        "failed": StatusLabel("Writing failed", "red"),
    },
    "enrichment": {
        "not_started": StatusLabel("Not enriched yet", "gray"),
        "validation_failed": StatusLabel("Failed the checks", "red"),
        "validated": StatusLabel("Checked", "blue"),
        "enrichment_in_progress": StatusLabel("Enriching…", "blue"),
        "enrichment_failed": StatusLabel("Enrichment failed", "red"),
        "enriched": StatusLabel("Enriched, not finalised", "blue"),
        "normalization_failed": StatusLabel("Could not be finalised", "red"),
        "completed": StatusLabel("Enriched", "green"),
    },
    "review": {
        "pending_review": StatusLabel("Waiting for review", "orange"),
        "approved": StatusLabel("Approved", "green"),
        "rejected": StatusLabel("Rejected", "red"),
        "needs_revision": StatusLabel("Needs another pass", "violet"),
        "archived": StatusLabel("Archived", "gray"),
    },
    "job": {
        "queued": StatusLabel("Waiting to start", "gray"),
        "processing": StatusLabel("Running", "blue"),
        "paused": StatusLabel("Paused", "orange"),
        "completed": StatusLabel("Finished", "green"),
        "failed": StatusLabel("Failed", "red"),
        "cancelled": StatusLabel("Cancelled", "gray"),
    },
    "item": {
        "queued": StatusLabel("Waiting", "gray"),
        "processing": StatusLabel("In progress", "blue"),
        "completed": StatusLabel("Done", "green"),
        "failed": StatusLabel("Failed", "red"),
        "cancelled": StatusLabel("Cancelled", "gray"),
    },
    "tier": {
        "seed_dataset": StatusLabel("Seed quality", "green"),
        "production": StatusLabel("Production quality", "blue"),
        "experimental": StatusLabel("Experimental", "orange"),
        "rejected": StatusLabel("Below the bar", "red"),
    },
    "training_file": {
        "active": StatusLabel("Ready", "green"),
        "processing": StatusLabel("Being built", "blue"),
        "archived": StatusLabel("Archived", "gray"),
        "failed": StatusLabel("Failed", "red"),
    },
    "call": {
        "sent": StatusLabel("Sent, no answer yet", "blue"),
        "success": StatusLabel("Answered", "green"),
        "failed": StatusLabel("Failed", "red"),
        "rate_limited": StatusLabel("Rate limited", "orange"),
        "timeout": StatusLabel("Timed out", "orange"),
    },
    "spec_step": {  # a step of a spec project (core.spec.project_steps)
        "not_started": StatusLabel("Not done yet", "gray"),
        "done": StatusLabel("Done", "green"),
        "partly_done": StatusLabel("Partly done", "orange"),
        "failed": StatusLabel("Failed", "red"),
        "out_of_date": StatusLabel("Made from an older step", "orange"),
    },
    "spec_section": {  # one section's execution prompts
        "done": StatusLabel("Written", "green"),
        "failed": StatusLabel("Failed", "red"),
        "not_started": StatusLabel("Not written yet", "gray"),
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
