"""One conversation through the stages: fetch → validate → enrich → normalize → store, then finalize
(``core.enrichment.pipeline`` runs it for each conversation and records what a failed stage left)."""

from __future__ import annotations

from typing import Any, Protocol

from core.enrichment.context import ContextLoader
from core.enrichment.fetch import fetch
from core.enrichment.models import EnrichmentOutcome, Stage
from core.enrichment.normalize import normalize
from core.enrichment.scoring import Judge, describe, score_and_build
from core.enrichment.store import store
from core.enrichment.validate import validate
from core.errors import BrightRunError
from core.models.base import utcnow
from core.models.conversation import Conversation
from core.models.statuses import Enrichment, Outcome
from core.storage.ports import Connection, Transactions
from core.storage.ports.blobs import CONVERSATION_FILES, BlobStore, owned_conversation_path

ENRICHMENT_VERSION = "v2.0"


class SetFields(Protocol):
    """Writes a conversation's status columns; with ``expect``, only if the row is unchanged since it was read."""

    def __call__(
        self, conversation_id: str, conn: Connection | None = None, expect: Conversation | None = None, **values: Any
    ) -> None: ...


class StageFailed(Exception):
    def __init__(self, stage: Stage, message: str, cause: Exception | None = None) -> None:
        super().__init__(message)
        self.stage = stage
        advice = cause if isinstance(cause, BrightRunError) else None
        self.hint = advice.hint if advice else None
        self.terminal_hint = advice.terminal_hint if advice else None


def run_stages(
    row: Conversation,
    loader: ContextLoader,
    judge: Judge | None,
    outcome: EnrichmentOutcome,
    *,
    set_fields: SetFields,
    transactions: Transactions,
    blobs: BlobStore,
) -> None:
    """Validate, enrich, normalize and store one conversation, writing each status as it is reached (a stage
    that fails raises ``StageFailed``; a check or normalization that fails ends the run recorded)."""
    cid = row.conversation_id
    try:
        fetched = fetch(row, blobs)
    except Exception as err:
        raise StageFailed("fetch", describe(err), err) from err
    data, report = validate(fetched.text, cid, utcnow())
    outcome.validation_report = report.model_dump(mode="json")
    if not report.is_valid:
        set_fields(
            cid,
            enrichment_status=Enrichment.VALIDATION_FAILED,
            validation_report=outcome.validation_report,
            enrichment_error=report.summary,
        )
        outcome.final_status, outcome.error = Enrichment.VALIDATION_FAILED, report.summary
        return
    # Back-to-back transitions share a transaction: both UPDATEs run, in order, and a crash between
    # them rolls back to a state the next run resumes from.
    with transactions.transaction() as conn:
        report_json = outcome.validation_report
        set_fields(
            cid, conn, enrichment_status=Enrichment.VALIDATED, validation_report=report_json, enrichment_error=None
        )
        set_fields(cid, conn, enrichment_status=Enrichment.IN_PROGRESS)
    outcome.stages_completed.append("validation")
    outcome.final_status = Enrichment.IN_PROGRESS
    try:
        enriched, quality = score_and_build(row, data, loader, judge, outcome)
    except Exception as err:
        raise StageFailed("enrichment", describe(err), err) from err
    outcome.stages_completed.append("enrichment")
    normalized = normalize(enriched)
    if not normalized.ok:
        error = "normalization: " + "; ".join(normalized.errors())
        set_fields(cid, enrichment_status=Enrichment.NORMALIZATION_FAILED, enrichment_error=error)
        outcome.final_status, outcome.error = Enrichment.NORMALIZATION_FAILED, error
        return
    outcome.stages_completed.append("normalization")
    try:
        path, size = store(row, normalized.data, blobs)
    except Exception as err:
        raise StageFailed("storage", describe(err), err) from err
    with transactions.transaction() as conn:  # only if nobody changed the conversation since it was read
        stored: dict[str, Any] = {"enriched_file_path": path, "enriched_file_size": size, "enriched_at": utcnow()}
        set_fields(cid, conn, enrichment_status=Enrichment.ENRICHED, **stored)
        done: dict[str, Any] = {"enrichment_status": Enrichment.COMPLETED, "enrichment_version": ENRICHMENT_VERSION}
        set_fields(cid, conn, expect=row, **done, **quality)
    if row.enriched_file_path and row.enriched_file_path != path:  # a turn edit's version: now replaced
        blobs.delete(CONVERSATION_FILES, owned_conversation_path(row.created_by, row.enriched_file_path) or "")
    outcome.stages_completed += ["storage", "finalize"]
    outcome.outcome, outcome.final_status = Outcome.SUCCEEDED, Enrichment.COMPLETED
    outcome.enriched_path, outcome.enriched_size = path, size
    outcome.quality_score = quality["quality_score"]
