"""The enrichment orchestrator: fetch → validate → enrich → normalize → store, then finalize.

``enrichment_status`` moves exactly as in earlier-system.md §5.2:

    not_started ─validate─> validation_failed                       (stop; report stored)
                          └> validated ─> enrichment_in_progress ─normalize─> normalization_failed (stop)
                                                                  └store─> enriched ─finalize─> completed

Fetch, enrich and store failures record ``enrichment_error`` as ``"{stage}: {message}"`` and set
``enrichment_failed`` (never left looking in progress); ``run_pending`` and ``retry`` pick them up again,
and the outcome carries the error's hint (what to do about it). One conversation failing never stops a batch: every outcome is recorded and returned.

Back-to-back transitions (validated → in progress; enriched → completed) run as two UPDATEs in one
transaction; a crash between them rolls back to a state the next run resumes from. Status writes use one
precompiled UPDATE and rows are read 50 at a time: a 2,000-conversation run spends its time on JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from core.conversations.deleted import RESTORE_HINT, deleted_message
from core.conversations.versions import VersionConflict
from core.enrichment.context import ContextLoader
from core.enrichment.fetch import fetch
from core.enrichment.judge import estimate_cost
from core.enrichment.models import EnrichmentOutcome, EnrichmentSummary
from core.enrichment.quality import rule_score
from core.enrichment.scoring import Judge
from core.enrichment.stages import StageFailed, run_stages
from core.enrichment.validate import validate
from core.errors import BrightRunError
from core.models.base import utcnow
from core.models.conversation import Conversation, ConversationHeading
from core.models.projects import conversation_prefix
from core.models.statuses import ENRICHMENT_FAILURES, ENRICHMENT_TO_RUN, Enrichment, Outcome
from core.scaffolding.service import ScaffoldingService
from core.settings import Settings
from core.storage.ports import Connection, ConversationRows, ScaffoldingRows, Transactions
from core.storage.ports.blobs import BlobStore

ENRICHMENT_VERSION = "v2.0"
#: Not yet enriched, or interrupted part-way (a crash leaves these; running again finishes them).
PENDING = ENRICHMENT_TO_RUN
FAILED = ENRICHMENT_FAILURES
Progress = Callable[[int, int, EnrichmentOutcome], None]
PREFETCH = 50  # rows read per query in a batch run


class EnrichmentService:
    """Runs the pipeline for one conversation, a selection, or everything pending."""

    def __init__(
        self,
        *,
        transactions: Transactions,
        conversations: ConversationRows,
        scaffolding_rows: ScaffoldingRows,
        blobs: BlobStore,
        scaffolding: ScaffoldingService,
        settings: Settings,
        judge_factory: Callable[[], Judge] | None = None,
    ) -> None:
        self.transactions = transactions
        self.conversations_rows = conversations
        self.scaffolding_rows = scaffolding_rows
        self.blobs = blobs
        self.scaffolding = scaffolding
        self.settings = settings
        self.judge_factory = judge_factory

    @property
    def judge_available(self) -> bool:
        return self.judge_factory is not None and self.settings.has_claude_key

    def judge_cost_estimate(self, ids: Iterable[str]) -> float:
        """Expected USD for judging these conversations (the ones whose stored JSON reads)."""
        raws = []
        for conversation_id in ids:
            row = self.conversations_rows.find(conversation_id)
            try:
                raw = json.loads(fetch(row, self.blobs).text) if row else None
            except (ValueError, BrightRunError):
                continue
            if isinstance(raw, dict):
                raws.append(raw)
        return estimate_cost(raws, self.settings)

    # -- selection -------------------------------------------------------------------------------
    def conversations(self) -> list[Conversation]:
        """Every active conversation, oldest first, whole rows."""
        return self.conversations_rows.list(where={"is_active": True}, order_by="created_at")

    def headings(self) -> list[ConversationHeading]:
        """Every active conversation's heading (name and enrichment state), oldest first: what the Enrich page
        lists, read as a few columns each rather than whole rows."""
        return self.conversations_rows.headings(where={"is_active": True})

    def conversation(self, conversation_id: str) -> Conversation | None:
        """One conversation's whole row (the one the Enrich page inspects), if it is still there."""
        return self.conversations_rows.find(conversation_id)

    def recent(self, limit: int) -> list[Conversation]:
        """The ``limit`` newest active conversations, newest first."""
        return self.conversations_rows.list(
            where={"is_active": True}, order_by="created_at", descending=True, limit=limit
        )

    def pending_ids(self) -> list[str]:
        rows = self.conversations_rows.headings(where={"enrichment_status": list(PENDING), "is_active": True})
        return [r.conversation_id for r in rows]

    def failed_ids(self) -> list[str]:
        rows = self.conversations_rows.headings(where={"is_active": True, "enrichment_status": [*FAILED, *PENDING]})
        return [r.conversation_id for r in rows if needs_attention(r)]

    # -- running ---------------------------------------------------------------------------------
    def run_one(self, conversation_id: str, *, judge: bool = False, force: bool = False) -> EnrichmentOutcome:
        return self.run_many([conversation_id], judge=judge, force=force).outcomes[0]

    def run_pending(self, *, judge: bool = False, progress: Progress | None = None) -> EnrichmentSummary:
        return self.run_many(self.pending_ids(), judge=judge, progress=progress)

    def retry(self, ids: Iterable[str], *, judge: bool = False, progress: Progress | None = None) -> EnrichmentSummary:
        """Reset failed conversations to ``not_started`` (clearing the error), then run them again."""
        ids = list(ids)
        for conversation_id in ids:
            self.conversations_rows.update_where(
                {"conversation_id": conversation_id, "enrichment_status": [*FAILED, *PENDING]},
                enrichment_status=Enrichment.NOT_STARTED,
                enrichment_error=None,
            )
        return self.run_many(ids, judge=judge, progress=progress)

    def run_many(
        self,
        ids: Iterable[str],
        *,
        judge: bool = False,
        force: bool = False,
        progress: Progress | None = None,
    ) -> EnrichmentSummary:
        """Enrich each conversation in turn; ``progress(done, total, outcome)`` after each one."""
        ids = list(dict.fromkeys(ids))
        loader = ContextLoader(
            self.scaffolding_rows, self.scaffolding, name_prefix=conversation_prefix(self.settings.project)
        )
        the_judge = self.judge_factory() if judge and self.judge_factory else None
        summary = EnrichmentSummary()
        for start in range(0, len(ids), PREFETCH):
            chunk = ids[start : start + PREFETCH]
            rows = {r.conversation_id: r for r in self.conversations_rows.list(where={"conversation_id": chunk})}
            for conversation_id in chunk:
                outcome = self._run(conversation_id, rows.get(conversation_id), loader, the_judge, force=force)
                summary.outcomes.append(outcome)
                if progress is not None:
                    progress(len(summary.outcomes), len(ids), outcome)
        return summary

    # -- one conversation ------------------------------------------------------------------------
    def _set(
        self, conversation_id: str, conn: Connection | None = None, expect: Conversation | None = None, **values: Any
    ) -> None:
        """Write status columns (the hot path: several writes per conversation, one precompiled UPDATE).
        With ``expect`` (the row as read), only if its version is unchanged, else ``VersionConflict``."""
        if expect is not None and conn is not None:
            self.conversations_rows.write_if_unchanged(conn, expect, **values)
            return
        self.conversations_rows.set_fields(conversation_id, conn=conn, **values)

    def _run(
        self, conversation_id: str, row: Conversation | None, loader: ContextLoader, judge: Judge | None, *, force: bool
    ) -> EnrichmentOutcome:
        if row is None:
            return EnrichmentOutcome(
                conversation_id=conversation_id, outcome=Outcome.FAILED, error="No such conversation."
            )
        if not row.is_active:
            return EnrichmentOutcome(
                conversation_id=conversation_id,
                outcome=Outcome.SKIPPED,
                final_status=row.enrichment_status,
                error=deleted_message(row, "enrich it"),
                hint=RESTORE_HINT,
            )
        if row.enrichment_status == Enrichment.COMPLETED and not force:
            if row.quality_score is None:  # imported already enriched: measure it, leave its file alone
                row.quality_score = self._backfill_score(row)
            return EnrichmentOutcome(
                conversation_id=conversation_id,
                outcome=Outcome.SKIPPED,
                final_status=Enrichment.COMPLETED,
                error="Already enriched.",
                enriched_path=row.enriched_file_path,
                quality_score=row.quality_score,
            )
        outcome = EnrichmentOutcome(
            conversation_id=conversation_id, outcome=Outcome.FAILED, final_status=row.enrichment_status
        )
        try:
            try:
                run_stages(
                    row, loader, judge, outcome, set_fields=self._set, transactions=self.transactions, blobs=self.blobs
                )
            except VersionConflict:  # edited meanwhile: enrich the fresh version once more
                fresh = self.conversations_rows.get(conversation_id)
                outcome = EnrichmentOutcome(conversation_id=conversation_id, outcome=Outcome.FAILED)
                run_stages(
                    fresh,
                    loader,
                    judge,
                    outcome,
                    set_fields=self._set,
                    transactions=self.transactions,
                    blobs=self.blobs,
                )
        except VersionConflict as conflict:
            outcome.error, outcome.hint, outcome.final_status = conflict.message, conflict.hint, Enrichment.NOT_STARTED
            self._set(conversation_id, enrichment_status=Enrichment.NOT_STARTED)
        except StageFailed as failed:
            outcome.error = f"{failed.stage}: {failed}"
            outcome.hint, outcome.terminal_hint = failed.hint, failed.terminal_hint
            outcome.final_status = Enrichment.FAILED
            self._set(conversation_id, enrichment_status=Enrichment.FAILED, enrichment_error=outcome.error)
        return outcome

    def _backfill_score(self, row: Conversation) -> float | None:
        try:
            data, report = validate(fetch(row, self.blobs).text, row.conversation_id, utcnow())
        except BrightRunError:
            return None
        if not report.is_valid:
            return None
        rules = rule_score(data["turns"], row.tier)
        details = (row.quality_details or {}) | {"rules": rules.model_dump()}
        self._set(row.conversation_id, quality_score=rules.score, quality_details=details)
        return rules.score


def needs_attention(heading: ConversationHeading) -> bool:
    """A conversation whose enrichment failed, or is still to run after an error (what "Retry failed" runs)."""
    return heading.enrichment_status in FAILED or (
        heading.enrichment_status in PENDING and bool(heading.enrichment_error)
    )
