"""Undo the last decision: each conversation goes back to the status it had before, if nobody moved it since.

The latest decision line of the history says where the conversation came from. The undo is itself a
history line (``moved_to_review`` with ``details.undo_of``), so the record of what happened stays whole.
"""

from __future__ import annotations

from core.models.review import ReviewAction
from core.models.statuses import Review
from core.review.results import BulkResult, Refusal
from core.review.transitions import TRANSITIONS
from core.storage.ports import ConversationRows, ReviewLog, Transactions

DECISION_ACTIONS = tuple(t.history_action for t in TRANSITIONS.values())


def undo_last(
    transactions: Transactions,
    conversations: ConversationRows,
    log: ReviewLog,
    conversation_ids: list[str],
    reviewer: str,
) -> BulkResult:
    result = BulkResult()
    with transactions.transaction() as conn:
        for conversation_id in conversation_ids:
            row = conversations.find(conversation_id, conn=conn)
            last = log.last_action(conversation_id, DECISION_ACTIONS, conn=conn)
            if row is None or last is None or last.from_status is None:
                result.refused.append(Refusal(conversation_id=conversation_id, reason="there is no decision to undo"))
                continue
            if row.review_status != last.to_status:
                result.refused.append(
                    Refusal(conversation_id=conversation_id, reason="it was changed again since that decision")
                )
                continue
            back = last.from_status
            values = {
                "review_status": back,
                "reviewed_by": None if back == Review.PENDING else reviewer,
                "reviewed_at": None if back == Review.PENDING else last.created_at,
                "row_version": row.row_version + 1,
            }
            # The same optimistic check as a decision: nobody changed the row since it was read.
            where = {
                "conversation_id": conversation_id,
                "review_status": row.review_status,
                "row_version": row.row_version,
            }
            if conversations.update_where(where, conn=conn, **values) != 1:
                result.refused.append(Refusal(conversation_id=conversation_id, reason="it was changed meanwhile"))
                continue
            log.add_action(
                ReviewAction(
                    conversation_id=conversation_id,
                    action="moved_to_review",
                    performed_by=reviewer,
                    comment="Undone",
                    from_status=row.review_status,
                    to_status=back,
                    details={"undo_of": last.id},
                ),
                conn=conn,
            )
            result.done.append(conversation_id)
    return result
