"""The stage view the Enrich page shows, derived from the row."""

from __future__ import annotations

from core.enrichment.timeline import timeline
from core.models.base import utcnow
from core.models.conversation import Conversation


def _statuses(**fields: object) -> dict[str, str]:
    row = Conversation(raw_stored_at=utcnow(), **fields)  # type: ignore[arg-type]
    return {view.key: view.status for view in timeline(row)}


def test_a_new_conversation_has_only_its_generation_done() -> None:
    views = _statuses()
    assert views["generation"] == "completed"
    assert {views[k] for k in ("fetch", "validation", "enrichment", "finalize")} == {"pending"}


def test_validation_failure_marks_validation_failed_and_later_stages_pending() -> None:
    views = _statuses(enrichment_status="validation_failed", enrichment_error="Validation failed: 1 blocking error(s)")
    assert (views["fetch"], views["validation"], views["enrichment"]) == ("completed", "failed", "pending")


def test_in_progress_shows_the_enrichment_stage_running() -> None:
    assert _statuses(enrichment_status="enrichment_in_progress")["enrichment"] == "in_progress"


def test_a_storage_error_fails_the_storage_stage_after_normalization() -> None:
    views = _statuses(enrichment_status="enrichment_in_progress", enrichment_error="storage: disk full")
    assert (views["normalization"], views["storage"], views["finalize"]) == ("completed", "failed", "pending")


def test_completed_means_every_stage_completed() -> None:
    assert set(_statuses(enrichment_status="completed", enriched_at=utcnow()).values()) == {"completed"}


def test_stage_names_are_plain_words_and_a_failure_does_not_repeat_the_stage_key() -> None:
    row = Conversation(
        raw_stored_at=utcnow(), enrichment_status="enrichment_in_progress", enrichment_error="storage: disk full"
    )
    views = timeline(row)
    assert all("_" not in v.label and "JSON" not in v.label and "normaliz" not in v.label.lower() for v in views)
    assert [v.detail for v in views if v.status == "failed"] == ["disk full"]


def test_an_error_without_a_stage_prefix_is_shown_whole() -> None:
    row = Conversation(
        raw_stored_at=utcnow(), enrichment_status="validation_failed", enrichment_error="Claude said: no"
    )
    assert [v.detail for v in timeline(row) if v.status == "failed"] == ["Claude said: no"]
