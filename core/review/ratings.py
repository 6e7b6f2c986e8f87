"""Per-turn ratings and rubric grades, kept per reviewer side by side.

Each reviewer has at most one rating per turn (their latest replaces their earlier one; the history
keeps both) and any number of grades (their latest counts). Another reviewer's rating or grade is
never overwritten. Export reads one rating per turn as a loss weight: the most recent of any reviewer.
"""

from __future__ import annotations

from core.errors import ValidationError
from core.models.review import RUBRIC, ReviewAction, ReviewGrade, TurnRating, TurnRatingValue
from core.storage.database import Database


def rate_turn(
    db: Database, conversation_id: str, turn_number: int, rating: TurnRatingValue, reviewer: str, note: str | None
) -> TurnRating:
    """Save ``reviewer``'s rating of one turn, and a history line."""
    note = (note or "").strip() or None
    with db.transaction() as conn:
        row = db.conversations.get(conversation_id, conn=conn)
        if not 1 <= turn_number <= max(row.turn_count, 1):
            raise ValidationError(f"Turn {turn_number} does not exist: the conversation has {row.turn_count} turns.")
        fields = {"rating": rating, "note": note}
        current = db.turn_ratings.find_by(
            conversation_id=conversation_id, turn_number=turn_number, rated_by=reviewer, conn=conn
        )
        if current is None:
            saved = db.turn_ratings.add(
                TurnRating(conversation_id=conversation_id, turn_number=turn_number, rated_by=reviewer, **fields),
                conn=conn,
            )
        else:
            saved = db.turn_ratings.update(current.id, conn=conn, **fields)
        db.review_actions.add(
            ReviewAction(
                conversation_id=conversation_id,
                action="turn_rated",
                performed_by=reviewer,
                comment=note,
                details={"turn_number": turn_number, "rating": rating},
            ),
            conn=conn,
        )
    return saved


def ratings_by_reviewer(db: Database, conversation_id: str) -> dict[str, dict[int, TurnRating]]:
    """``{reviewer: {turn_number: rating}}`` for one conversation, reviewers in name order."""
    found: dict[str, dict[int, TurnRating]] = {}
    for r in db.turn_ratings.list(where={"conversation_id": conversation_id}, order_by="updated_at"):
        found.setdefault(r.rated_by, {})[r.turn_number] = r
    return dict(sorted(found.items()))


def latest_ratings(db: Database, conversation_id: str) -> dict[int, str]:
    """``{turn_number: rating}``, the most recent rating of each turn by any reviewer (export's loss weights)."""
    latest: dict[int, str] = {}
    for r in db.turn_ratings.list(where={"conversation_id": conversation_id}, order_by="updated_at"):
        latest[r.turn_number] = r.rating
    return latest


def grade(
    db: Database, conversation_id: str, reviewer: str, overall: int, rubric: dict[str, int], comment: str | None
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
    with db.transaction() as conn:
        db.conversations.get(conversation_id, conn=conn)
        db.review_grades.add(saved, conn=conn)
        db.review_actions.add(
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


def grades_by_reviewer(db: Database, conversation_id: str) -> dict[str, ReviewGrade]:
    """Each reviewer's latest grade of one conversation, reviewers in name order."""
    latest: dict[str, ReviewGrade] = {}
    for g in db.review_grades.list(where={"conversation_id": conversation_id}, order_by="created_at"):
        latest[g.graded_by] = g
    return dict(sorted(latest.items()))
