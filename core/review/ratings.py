"""Per-turn ratings and rubric grades, kept per reviewer side by side.

Each reviewer has at most one rating per turn (their latest replaces their earlier one; the history
keeps both) and any number of grades (their latest counts). Another reviewer's rating or grade is
never overwritten. Export reads one rating per turn as a loss weight: the most recent of any reviewer.
"""

from __future__ import annotations

from core.conversations.deleted import refuse_if_deleted
from core.errors import ValidationError
from core.models.review import RUBRIC, ReviewAction, ReviewGrade, TurnRating
from core.storage.ports import ConversationRows, ReviewLog, Transactions


def rate_turn(
    transactions: Transactions,
    conversations: ConversationRows,
    log: ReviewLog,
    rated: TurnRating,
) -> TurnRating:
    """Save ``rated`` (the reviewer's rating of one turn, replacing their earlier one) and a history line."""
    with transactions.transaction() as conn:
        row = conversations.get(rated.conversation_id, conn=conn)
        refuse_if_deleted(row, "rate its turns")
        if not 1 <= rated.turn_number <= max(row.turn_count, 1):
            raise ValidationError(
                f"Turn {rated.turn_number} does not exist: the conversation has {row.turn_count} turns."
            )
        saved = log.save_rating(rated, conn=conn)
        log.add_action(
            ReviewAction(
                conversation_id=rated.conversation_id,
                action="turn_rated",
                performed_by=rated.rated_by,
                comment=rated.note,
                details={"turn_number": rated.turn_number, "rating": rated.rating},
            ),
            conn=conn,
        )
    return saved


def ratings_by_reviewer(log: ReviewLog, conversation_id: str) -> dict[str, dict[int, TurnRating]]:
    """``{reviewer: {turn_number: rating}}`` for one conversation, reviewers in name order."""
    found: dict[str, dict[int, TurnRating]] = {}
    for r in log.ratings(conversation_id):
        found.setdefault(r.rated_by, {})[r.turn_number] = r
    return dict(sorted(found.items()))


def latest_ratings(log: ReviewLog, conversation_id: str) -> dict[int, str]:
    """``{turn_number: rating}``, the most recent rating of each turn by any reviewer (export's loss weights)."""
    latest: dict[int, str] = {}
    for r in log.ratings(conversation_id):
        latest[r.turn_number] = r.rating
    return latest


def grade(
    transactions: Transactions,
    conversations: ConversationRows,
    log: ReviewLog,
    conversation_id: str,
    reviewer: str,
    overall: int,
    rubric: dict[str, int],
    comment: str | None,
) -> ReviewGrade:
    """Record ``reviewer``'s overall grade and the four rubric scores (each a whole number 1–5)."""
    missing = [name.replace("_", " ") for name in RUBRIC if name not in rubric]
    if missing:
        raise ValidationError("Give every score before saving the grade.", problems=[f"{m}: no score" for m in missing])
    try:
        saved = ReviewGrade(
            conversation_id=conversation_id,
            graded_by=reviewer,
            overall=overall,
            comment=(comment or "").strip() or None,
            **{name: rubric[name] for name in RUBRIC},
        )
    except Exception as err:  # pydantic explains which score is out of range
        raise ValidationError(
            "That grade is not valid.", problems=[str(err)], hint="Every score is a whole number from 1 to 5."
        ) from err
    with transactions.transaction() as conn:
        refuse_if_deleted(conversations.get(conversation_id, conn=conn), "grade it")
        log.add_grade(saved, conn=conn)
        log.add_action(
            ReviewAction(
                conversation_id=conversation_id,
                action="graded",
                performed_by=reviewer,
                comment=saved.comment,
                details={"overall": overall, **{name: rubric[name] for name in RUBRIC}},
            ),
            conn=conn,
        )
    return saved


def grades_by_reviewer(log: ReviewLog, conversation_id: str) -> dict[str, ReviewGrade]:
    """Each reviewer's latest grade of one conversation, reviewers in name order."""
    latest: dict[str, ReviewGrade] = {}
    for g in log.grades(conversation_id):
        latest[g.graded_by] = g
    return dict(sorted(latest.items()))
