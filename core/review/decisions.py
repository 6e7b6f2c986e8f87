"""Review decisions: approve, reject, send back, archive, move back to review; single, bulk, and undo.

Every decision names its reviewer and leaves a line in the review history. A decision changes the row
only if its status and ``row_version`` are still the ones the transition was checked against
(compare-and-set), so two reviewers acting at once cannot both move the same conversation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.conversations.deleted import refuse_if_deleted
from core.errors import ConflictError, ValidationError
from core.models.base import utcnow
from core.models.conversation import Conversation
from core.models.review import ReviewAction
from core.models.statuses import Processing
from core.review.guards import check_approval
from core.review.results import BulkResult, Refusal
from core.review.transitions import TRANSITIONS, Decision, check_transition
from core.review.undo import undo_last
from core.storage.ports import Connection, ConversationRows, ReviewLog, Transactions


def reviewer_name(name: str | None) -> str:
    """The reviewer's name, stripped; a missing one is refused (every review action records who made it)."""
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


def _check_inputs(decision: Decision, comment: str | None, reasons: list[str]) -> None:
    if decision == "reject" and not reasons and not (comment or "").strip():
        raise ValidationError("A rejection needs a reason.", hint="Pick a reason or write one in the comment.")


def _doing(decision: Decision) -> str:
    """``"approve it"``, ``"send it back for revision"``: the decision as a refusal names it."""
    verb, _, rest = TRANSITIONS[decision].label.partition(" ")
    return f"{verb} it {rest}".strip()


class Decisions:
    """The decision half of ``ReviewService`` (which sets these ports)."""

    transactions: Transactions
    conversations: ConversationRows
    log: ReviewLog

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
        reviewer = reviewer_name(reviewer)
        reasons = [r for r in reasons if r.strip()]
        _check_inputs(decision, comment, reasons)
        with self.transactions.transaction() as conn:
            row = self.conversations.get(conversation_id, conn=conn)
            return self._apply(conn, row, decision, reviewer, comment, reasons, list(confirm))

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
        reviewer = reviewer_name(reviewer)
        reasons = [r for r in reasons if r.strip()]
        _check_inputs(decision, comment, reasons)
        ids = list(dict.fromkeys(conversation_ids))
        result = BulkResult()
        with self.transactions.transaction() as conn:
            found = {c.conversation_id: c for c in self.conversations.list(where={"conversation_id": ids}, conn=conn)}
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

    def _apply(
        self,
        conn: Connection,
        row: Conversation,
        decision: Decision,
        reviewer: str,
        comment: str | None,
        reasons: list[str],
        confirm: list[str] | None = None,
    ) -> Conversation:
        name = f"'{row.conversation_name}'"
        refuse_if_deleted(row, _doing(decision))
        to_status = check_transition(decision, row.review_status, name=name)
        confirmed: list[str] = []
        if decision == "approve":
            if row.processing_status != Processing.PARSED:
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
        if self.conversations.update_where(where, conn=conn, **values) != 1:
            raise ConflictError(f"{name} was changed by someone else meanwhile.", hint="Reload and try again.")
        self.log.add_action(
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
        ids, reviewer = list(dict.fromkeys(conversation_ids)), reviewer_name(reviewer)
        return undo_last(self.transactions, self.conversations, self.log, ids, reviewer)
