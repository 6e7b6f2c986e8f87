"""The review record: the ``ReviewLog`` port (``core.storage.ports``) over four tables.

``review_actions`` (the decision history), ``turn_ratings`` (one per reviewer and turn), ``review_grades``
(any number per reviewer) and ``turn_revisions`` (every edit keeps the text it replaced).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from core.models.review import ReviewAction, ReviewGrade, TurnRating, TurnRevision
from core.storage.database import Database


class ReviewLogRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- history ----------------------------------------------------------------------------------
    def add_action(self, action: ReviewAction, *, conn: sa.Connection | None = None) -> ReviewAction:
        return self._db.review_actions.add(action, conn=conn)

    def add_actions(self, actions: Iterable[ReviewAction], *, conn: sa.Connection | None = None) -> int:
        return self._db.review_actions.add_many(actions, conn=conn)

    def history(self, conversation_id: str) -> list[ReviewAction]:
        return self._db.review_actions.list(where={"conversation_id": conversation_id}, descending=True)

    def last_action(
        self, conversation_id: str, kinds: Sequence[str], *, conn: sa.Connection | None = None
    ) -> ReviewAction | None:
        found = self._db.review_actions.list(
            where={"conversation_id": conversation_id, "action": list(kinds)}, descending=True, limit=1, conn=conn
        )
        return found[0] if found else None

    # -- ratings ----------------------------------------------------------------------------------
    def rating(
        self, conversation_id: str, turn_number: int, reviewer: str, *, conn: sa.Connection | None = None
    ) -> TurnRating | None:
        return self._db.turn_ratings.find_by(
            conversation_id=conversation_id, turn_number=turn_number, rated_by=reviewer, conn=conn
        )

    def save_rating(self, rating: TurnRating, *, conn: sa.Connection | None = None) -> TurnRating:
        current = self.rating(rating.conversation_id, rating.turn_number, rating.rated_by, conn=conn)
        if current is None:
            return self._db.turn_ratings.add(rating, conn=conn)
        return self._db.turn_ratings.update(current.id, conn=conn, rating=rating.rating, note=rating.note)

    def ratings(self, conversation_id: str) -> list[TurnRating]:
        return self._db.turn_ratings.list(where={"conversation_id": conversation_id}, order_by="updated_at")

    def all_ratings(self) -> list[TurnRating]:
        return self._db.turn_ratings.list()

    # -- grades -----------------------------------------------------------------------------------
    def add_grade(self, grade: ReviewGrade, *, conn: sa.Connection | None = None) -> ReviewGrade:
        return self._db.review_grades.add(grade, conn=conn)

    def grades(self, conversation_id: str) -> list[ReviewGrade]:
        return self._db.review_grades.list(where={"conversation_id": conversation_id}, order_by="created_at")

    def latest_grade(self, conversation_id: str, reviewer: str | None = None) -> ReviewGrade | None:
        where: dict[str, Any] = {"conversation_id": conversation_id}
        if reviewer is not None:
            where["graded_by"] = reviewer
        found = self._db.review_grades.list(where=where, descending=True, limit=1)
        return found[0] if found else None

    # -- revisions --------------------------------------------------------------------------------
    def add_revision(self, revision: TurnRevision, *, conn: sa.Connection | None = None) -> TurnRevision:
        return self._db.turn_revisions.add(revision, conn=conn)

    def revisions(self, conversation_id: str) -> list[TurnRevision]:
        return self._db.turn_revisions.list(where={"conversation_id": conversation_id}, descending=True)
