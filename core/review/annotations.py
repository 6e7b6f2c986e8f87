"""Review annotations: per-turn ratings, rubric grades, turn edits, and the hand-offs to enrichment and to
training files. Each leaves a line in the review history naming the reviewer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from core.conversations.deleted import refuse_if_deleted
from core.conversations.store import ConversationStore
from core.errors import BrightRunError, ConfigError
from core.models.review import ReviewAction, ReviewActionKind, ReviewGrade, TurnRating, TurnRatingValue
from core.review import integrations, ratings, revisions
from core.review.decisions import reviewer_name
from core.review.results import EditResult
from core.storage.ports import ConversationRows, ReviewLog, Transactions

if TYPE_CHECKING:
    from core.review.service import ReviewService


def _needed(factory: Callable[[], Any] | None, what: str) -> Any:
    if factory is None:  # a review service for reads and decisions only (tools, tests)
        raise ConfigError(
            f"This review service has no {what} connected.",
            hint="Use the app's services (core.bootstrap) to re-enrich and to add to training files.",
        )
    return factory()


class Annotations:
    """The annotation half of ``ReviewService`` (which sets these ports and collaborators)."""

    store: ConversationStore
    transactions: Transactions
    conversations: ConversationRows
    log: ReviewLog
    _enricher: Callable[[], integrations.Enricher] | None
    _training_files: Callable[[], integrations.TrainingFiles] | None

    def rate_turn(
        self, conversation_id: str, turn_number: int, rating: TurnRatingValue, reviewer: str, *, note: str | None = None
    ) -> TurnRating:
        """Rate one turn as ``reviewer`` (their latest rating replaces their earlier one; others' stay)."""
        rated = TurnRating(
            conversation_id=conversation_id,
            turn_number=turn_number,
            rated_by=reviewer_name(reviewer),
            rating=rating,
            note=(note or "").strip() or None,
        )
        return ratings.rate_turn(self.transactions, self.conversations, self.log, rated)

    def grade(
        self, conversation_id: str, reviewer: str, *, overall: int, rubric: dict[str, int], comment: str | None = None
    ) -> ReviewGrade:
        """Record an overall grade 1–5 and the four rubric scores (empathy, clarity, appropriateness, expert voice)."""
        who = reviewer_name(reviewer)
        return ratings.grade(
            self.transactions, self.conversations, self.log, conversation_id, who, overall, rubric, comment
        )

    def edit_turn(
        self, conversation_id: str, turn_number: int, new_content: str, reviewer: str, *, keep_approved: bool = False
    ) -> EditResult:
        """Store the edit as a revision (the original is kept) and bring the training pairs up to date.

        An enriched conversation gets only the edited turn's pairs re-derived, from its own snapshot (system
        prompt, expert profile, the fields its file carried); one not enriched yet is enriched again when
        enrichment exists. An approved conversation goes back to review with the reason, unless
        ``keep_approved`` (the editing reviewer confirms it stays approved).
        """
        who = reviewer_name(reviewer)
        edit = revisions.edit_turn(
            self.store, self.log, conversation_id, turn_number, new_content, who, keep_approved=keep_approved
        )
        back = " It went back to review: approve it again once checked." if edit.sent_back else ""
        if edit.pairs_rederived:
            return EditResult(
                revision=edit.revision,
                re_enriched=True,
                sent_back=edit.sent_back,
                message=f"Turn {turn_number} saved; its training pairs were updated in the conversation's own voice."
                + back,
            )
        try:
            message = integrations.enrich(_needed(self._enricher, "enrichment"), [conversation_id])
        except BrightRunError as err:
            return EditResult(
                revision=edit.revision,
                re_enriched=False,
                sent_back=edit.sent_back,
                message=f"Turn {turn_number} saved; enrichment was reset but did not rerun: {err.message}" + back,
            )
        return EditResult(
            revision=edit.revision,
            re_enriched=True,
            sent_back=edit.sent_back,
            message=f"Turn {turn_number} saved; enrichment re-ran: {message}" + back,
        )

    def edit_turn_for(
        self,
        user_view: ReviewService,
        conversation_id: str,
        turn_number: int,
        new_content: str,
        reviewer: str,
        *,
        keep_approved: bool = False,
    ) -> EditResult:
        """A turn edit asked for by a signed-in user, run as system work.

        An edit rewrites derived columns (file size, search text, enrichment) that a reviewer's own
        database role may not change on Supabase, so the writes go through this (system) service. The
        user must first be able to see the conversation through ``user_view`` (the same service as that
        user): row-level security shows it only to its owner and to reviewers, so anyone else gets
        ``NotFoundError`` and nothing changes.
        """
        user_view.conversations.get(conversation_id)
        return self.edit_turn(conversation_id, turn_number, new_content, reviewer, keep_approved=keep_approved)

    # -- hand-offs to other features ----------------------------------------------------------------
    def enrich(self, conversation_ids: Iterable[str], reviewer: str) -> str:
        """Run enrichment on the selection (when the enrichment service exists) and note who asked."""
        ids, reviewer = list(conversation_ids), reviewer_name(reviewer)
        for row in self.conversations.list(where={"conversation_id": ids}):
            refuse_if_deleted(row, "enrich it")
        message = integrations.enrich(_needed(self._enricher, "enrichment"), ids)
        self._note_all(ids, "enrichment_requested", reviewer, message)
        return message

    def add_to_training_file(
        self, conversation_ids: Iterable[str], reviewer: str, *, file_name: str, description: str | None = None
    ) -> str:
        """Add the selection to a training file (created when no active file has that name)."""
        ids, reviewer = list(conversation_ids), reviewer_name(reviewer)
        message = integrations.add_to_training_file(
            _needed(self._training_files, "training files"), ids, file_name, reviewer, description
        )
        self._note_all(ids, "added_to_training_file", reviewer, message, {"file_name": file_name})
        return message

    def _note_all(
        self,
        ids: list[str],
        action: ReviewActionKind,
        reviewer: str,
        comment: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.log.add_actions(
            ReviewAction(conversation_id=i, action=action, performed_by=reviewer, comment=comment, details=details)
            for i in ids
        )
