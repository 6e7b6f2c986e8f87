"""Review actions: decisions (single and bulk), history, per-turn ratings, rubric grades, turn edits.

Every write names its reviewer and leaves a line in ``review_actions``. A decision changes the row
only if its status is still the one the transition was checked against (compare-and-set), so two
reviewers acting at once cannot both move the same conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa

from core.conversations.store import ConversationStore
from core.errors import BrightRunError, ConfigError, ConflictError, ValidationError
from core.models.base import utcnow
from core.models.conversation import Conversation
from core.models.review import ReviewAction, ReviewGrade, TurnRating, TurnRatingValue, TurnRevision
from core.review import integrations, queries, queue, ratings, revisions
from core.review.agreement import Agreement, agreement
from core.review.detail import ConversationDetail, load_detail
from core.review.guards import Risk, approval_risks, check_approval
from core.review.names import Names, load_names
from core.review.results import BulkResult, EditResult, Refusal
from core.review.transitions import TRANSITIONS, Decision, check_transition
from core.review.undo import undo_last
from core.storage.blobs import CONVERSATION_FILES, owned_conversation_path


def _reviewer(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(
            "Every review action records who made it, and no reviewer name was given.",
            hint="Enter your name (or sign in) first.",
        )
    return name


def _notes(comment: str | None, reasons: Iterable[str]) -> str | None:
    parts = [", ".join(reasons)] if reasons else []
    if comment and comment.strip():
        parts.append(comment.strip())
    return " — ".join(p for p in parts if p) or None


class ReviewService:
    """Review reads and decisions; a turn edit re-enriches through ``enricher`` and the grid adds to training
    files through ``training_files`` (both given by ``core.bootstrap``; a service built without them is for
    reads and decisions only)."""

    def __init__(
        self,
        store: ConversationStore,
        *,
        enricher: Callable[[], integrations.Enricher] | None = None,
        training_files: Callable[[], integrations.TrainingFiles] | None = None,
    ) -> None:
        self.store = store
        self.db = store.db
        self._enricher = enricher
        self._training_files = training_files

    @staticmethod
    def _needed(factory: Callable[[], Any] | None, what: str) -> Any:
        if factory is None:  # a review service for reads and decisions only (tools, tests)
            raise ConfigError(
                f"This review service has no {what} connected.",
                hint="Use the app's services (core.bootstrap) to re-enrich and to add to training files.",
            )
        return factory()

    # -- reads ----------------------------------------------------------------------------------
    def page(self, query: queries.GridQuery) -> queries.GridPage:
        return queries.grid_page(self.db, query)

    def neighbours(self, query: queries.GridQuery, conversation_id: str) -> tuple[str | None, str | None]:
        return queries.neighbours(self.db, query, conversation_id)

    def filter_options(self) -> dict[str, list[str]]:
        return queries.filter_options(self.db)

    def names(self) -> Names:
        """Persona, arc and topic display names by key, for titles and the grid."""
        return load_names(self.db)

    def exists(self, conversation_id: str) -> bool:
        return self.db.conversations.find(conversation_id) is not None

    def has_conversations(self) -> bool:
        return self.db.conversations.count(where={"is_active": True}) > 0

    def detail(self, conversation_id: str) -> ConversationDetail:
        return load_detail(self.store, conversation_id)

    def history(self, conversation_id: str) -> list[ReviewAction]:
        """The review history, newest first."""
        return self.db.review_actions.list(where={"conversation_id": conversation_id}, descending=True)

    def turn_ratings(self, conversation_id: str) -> dict[int, str]:
        """``{turn_number: good|needs_work|bad}``, the latest rating of each turn by any reviewer: the
        export feature reads these as loss weights (``ratings_for``)."""
        return ratings.latest_ratings(self.db, conversation_id)

    def ratings_by_reviewer(self, conversation_id: str) -> dict[str, dict[int, TurnRating]]:
        return ratings.ratings_by_reviewer(self.db, conversation_id)

    def grades_by_reviewer(self, conversation_id: str) -> dict[str, ReviewGrade]:
        return ratings.grades_by_reviewer(self.db, conversation_id)

    def agreement(self) -> Agreement:
        """How alike reviewers rate the turns they both rated (share alike and Cohen's kappa)."""
        return agreement(self.db.turn_ratings.list())

    # -- the queue ------------------------------------------------------------------------------
    def next_pending(
        self, query: queries.GridQuery, current: str | None = None, *, skip: Iterable[str] = ()
    ) -> str | None:
        """The next conversation waiting for review after ``current`` in the grid's order."""
        ordered = queries.ordered_statuses(self.db, query, pending_around=current or "")
        return queue.next_pending(ordered, current, skip=set(skip))

    def step(self, query: queries.GridQuery, current: str, delta: int) -> str | None:
        """The conversation ``delta`` places from ``current`` in the grid's order (previous / next)."""
        return queue.step(queries.ordered_statuses(self.db, query), current, delta)

    def still_matching(self, filters: queries.GridFilters, ids: list[str]) -> list[str]:
        """``ids`` (in their order) that are still in the filtered set."""
        found = queries.matching_ids(self.db, filters, ids)
        return [i for i in ids if i in found]

    def approval_risks(self, ids: list[str]) -> dict[str, list[Risk]]:
        """The approval risks of each of ``ids`` that has any (not enriched, not scored, truncated)."""
        rows = self.db.conversations.list(where={"conversation_id": ids}) if ids else []
        return {r.conversation_id: risks for r in rows if (risks := approval_risks(r))}

    def progress(self, filters: queries.GridFilters) -> str:
        """``"12 of 200 reviewed today"`` over the filtered set."""
        return queue.progress_text(*queries.day_progress(self.db, filters, queue.start_of_day()))

    def revisions(self, conversation_id: str) -> list[TurnRevision]:
        return self.db.turn_revisions.list(where={"conversation_id": conversation_id}, descending=True)

    def latest_grade(self, conversation_id: str, reviewer: str | None = None) -> ReviewGrade | None:
        """The latest grade of the conversation (of ``reviewer`` when given)."""
        where: dict[str, Any] = {"conversation_id": conversation_id}
        if reviewer is not None:
            where["graded_by"] = reviewer
        found = self.db.review_grades.list(where=where, descending=True, limit=1)
        return found[0] if found else None

    def download(self, conversation_id: str, kind: str) -> tuple[str, bytes]:
        """``(file_name, bytes)`` of the exact raw reply (``raw``) or the enriched file (``enriched``)."""
        row = self.db.conversations.get(conversation_id)
        raw, enriched = (
            owned_conversation_path(row.created_by, p) for p in (row.raw_response_path, row.enriched_file_path)
        )
        if kind == "raw" and raw:
            return f"{conversation_id}.json", self.store.blobs.get(CONVERSATION_FILES, raw)
        if kind == "enriched" and enriched and row.enrichment_status in ("enriched", "completed"):
            return f"{conversation_id}-enriched.json", self.store.blobs.get(CONVERSATION_FILES, enriched)
        raise ConflictError(
            f"'{row.conversation_name}' has no {kind} JSON to download (enrichment: {row.enrichment_status}).",
            hint="Enrich it first." if kind == "enriched" else None,
        )

    # -- decisions --------------------------------------------------------------------------------
    def decide(
        self,
        conversation_id: str,
        decision: Decision,
        reviewer: str,
        *,
        comment: str | None = None,
        reasons: Iterable[str] = (),
        confirm: Iterable[str] = (),
    ) -> Conversation:
        """Apply one decision; a refused one raises ``ConflictError`` saying why.

        Approving a conversation that is not enriched, not scored or truncated raises
        ``ConfirmationNeeded`` unless ``confirm`` names each of those risks (see ``core.review.guards``).
        """
        reviewer = _reviewer(reviewer)
        reasons = [r for r in reasons if r.strip()]
        self._check_inputs(decision, comment, reasons)
        with self.db.transaction() as conn:
            return self._apply(
                conn,
                self.db.conversations.get(conversation_id, conn=conn),
                decision,
                reviewer,
                comment,
                reasons,
                list(confirm),
            )

    def bulk(
        self,
        conversation_ids: Iterable[str],
        decision: Decision,
        reviewer: str,
        *,
        comment: str | None = None,
        reasons: Iterable[str] = (),
        confirm: Iterable[str] = (),
    ) -> BulkResult:
        """Apply one decision to many; each conversation is allowed or refused on its own (an approval
        needing a confirmation that ``confirm`` does not give is refused, saying so)."""
        confirmed = list(confirm)
        reviewer = _reviewer(reviewer)
        reasons = [r for r in reasons if r.strip()]
        self._check_inputs(decision, comment, reasons)
        ids = list(dict.fromkeys(conversation_ids))
        result = BulkResult()
        with self.db.transaction() as conn:
            found = {
                c.conversation_id: c for c in self.db.conversations.list(where={"conversation_id": ids}, conn=conn)
            }
            for conversation_id in ids:
                row = found.get(conversation_id)
                if row is None:
                    result.refused.append(Refusal(conversation_id=conversation_id, reason="it no longer exists"))
                    continue
                try:
                    self._apply(conn, row, decision, reviewer, comment, reasons, confirmed)
                except ConflictError as err:
                    result.refused.append(Refusal(conversation_id=conversation_id, reason=err.message))
                else:
                    result.done.append(conversation_id)
        return result

    @staticmethod
    def _check_inputs(decision: Decision, comment: str | None, reasons: list[str]) -> None:
        if decision == "reject" and not reasons and not (comment or "").strip():
            raise ValidationError("A rejection needs a reason.", hint="Pick a reason or write one in the comment.")

    def _apply(
        self,
        conn: sa.Connection,
        row: Conversation,
        decision: Decision,
        reviewer: str,
        comment: str | None,
        reasons: list[str],
        confirm: list[str] | None = None,
    ) -> Conversation:
        name = f"'{row.conversation_name}'"
        to_status = check_transition(decision, row.review_status, name=name)
        confirmed: list[str] = []
        if decision == "approve":
            if row.processing_status != "parsed":
                raise ConflictError(f"Cannot approve {name}: it has no parsed turns ({row.processing_status}).")
            confirmed = list(check_approval(row, confirm or [], name=name))
        values: dict[str, Any] = {"review_status": to_status, "reviewed_by": reviewer, "reviewed_at": utcnow()}
        if notes := _notes(comment, reasons):
            values["review_notes"] = notes
        # Optimistic concurrency: only the version this decision was made on (a turn edit or enrichment
        # landing first makes it a conflict, reported in plain words).
        where = {
            "conversation_id": row.conversation_id,
            "review_status": row.review_status,
            "row_version": row.row_version,
        }
        values["row_version"] = row.row_version + 1
        if self.db.conversations.update_where(where, conn=conn, **values) != 1:
            raise ConflictError(f"{name} was changed by someone else meanwhile.", hint="Reload and try again.")
        self.db.review_actions.add(
            ReviewAction(
                conversation_id=row.conversation_id,
                action=TRANSITIONS[decision].history_action,
                performed_by=reviewer,
                comment=(comment or "").strip() or None,
                reasons=reasons,
                from_status=row.review_status,
                to_status=to_status,
                details={"confirmed_risks": confirmed} if confirmed else None,
            ),
            conn=conn,
        )
        return row.model_copy(update=values)

    def undo(self, conversation_ids: Iterable[str], reviewer: str) -> BulkResult:
        """Undo the latest decision on each conversation (status back to where it was; history keeps both)."""
        return undo_last(self.db, list(dict.fromkeys(conversation_ids)), _reviewer(reviewer))

    # -- annotations ------------------------------------------------------------------------------
    def rate_turn(
        self, conversation_id: str, turn_number: int, rating: TurnRatingValue, reviewer: str, *, note: str | None = None
    ) -> TurnRating:
        """Rate one turn as ``reviewer`` (their latest rating replaces their earlier one; others' stay)."""
        return ratings.rate_turn(self.db, conversation_id, turn_number, rating, _reviewer(reviewer), note)

    def grade(
        self, conversation_id: str, reviewer: str, *, overall: int, rubric: dict[str, int], comment: str | None = None
    ) -> ReviewGrade:
        """Record an overall grade 1–5 and the four rubric scores (empathy, clarity, appropriateness, expert voice)."""
        return ratings.grade(self.db, conversation_id, _reviewer(reviewer), overall, rubric, comment)

    def edit_turn(self, conversation_id: str, turn_number: int, new_content: str, reviewer: str) -> EditResult:
        """Store the edit as a revision (the original is kept) and re-enrich when enrichment exists."""
        revision = revisions.edit_turn(self.store, conversation_id, turn_number, new_content, _reviewer(reviewer))
        try:
            message = integrations.enrich(self._needed(self._enricher, "enrichment"), [conversation_id])
        except BrightRunError as err:
            return EditResult(
                revision=revision,
                re_enriched=False,
                message=f"Turn {turn_number} saved; enrichment was reset but did not rerun: {err.message}",
            )
        return EditResult(
            revision=revision, re_enriched=True, message=f"Turn {turn_number} saved; enrichment re-ran: {message}"
        )

    def edit_turn_for(
        self, user_view: ReviewService, conversation_id: str, turn_number: int, new_content: str, reviewer: str
    ) -> EditResult:
        """A turn edit asked for by a signed-in user, run as system work.

        An edit rewrites derived columns (file size, search text, enrichment) that a reviewer's own
        database role may not change on Supabase, so the writes go through this (system) service. The
        user must first be able to see the conversation through ``user_view`` (the same service as that
        user): row-level security shows it only to its owner and to reviewers, so anyone else gets
        ``NotFoundError`` and nothing changes.
        """
        user_view.db.conversations.get(conversation_id)
        return self.edit_turn(conversation_id, turn_number, new_content, reviewer)

    # -- hand-offs to other features ----------------------------------------------------------------
    def enrich(self, conversation_ids: Iterable[str], reviewer: str) -> str:
        """Run enrichment on the selection (when the enrichment service exists) and note who asked."""
        ids, reviewer = list(conversation_ids), _reviewer(reviewer)
        message = integrations.enrich(self._needed(self._enricher, "enrichment"), ids)
        self._note_all(ids, "enrichment_requested", reviewer, message)
        return message

    def add_to_training_file(
        self, conversation_ids: Iterable[str], reviewer: str, *, file_name: str, description: str | None = None
    ) -> str:
        """Add the selection to a training file (created when no active file has that name)."""
        ids, reviewer = list(conversation_ids), _reviewer(reviewer)
        message = integrations.add_to_training_file(
            self._needed(self._training_files, "training files"), ids, file_name, reviewer, description
        )
        self._note_all(ids, "added_to_training_file", reviewer, message, {"file_name": file_name})
        return message

    def _note_all(
        self, ids: list[str], action: Any, reviewer: str, comment: str, details: dict[str, Any] | None = None
    ) -> None:
        self.db.review_actions.add_many(
            ReviewAction(conversation_id=i, action=action, performed_by=reviewer, comment=comment, details=details)
            for i in ids
        )
