"""The review ports: the review history and the review grid."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.models.review import ReviewAction, ReviewGrade, TurnRating, TurnRevision
    from core.models.review_grid import GridFilters, GridPage, GridQuery
    from core.storage.ports.base import Connection


class ReviewLog(Protocol):
    """The review record: decision history, per-turn ratings, rubric grades, turn revisions."""

    def add_action(self, action: ReviewAction, *, conn: Connection | None = None) -> ReviewAction: ...

    def add_actions(self, actions: Iterable[ReviewAction], *, conn: Connection | None = None) -> int: ...

    def history(self, conversation_id: str) -> list[ReviewAction]:
        """Every history line of the conversation, newest first."""
        ...

    def last_action(
        self, conversation_id: str, kinds: Sequence[str], *, conn: Connection | None = None
    ) -> ReviewAction | None:
        """The newest history line whose action is one of ``kinds``."""
        ...

    def rating(
        self, conversation_id: str, turn_number: int, reviewer: str, *, conn: Connection | None = None
    ) -> TurnRating | None: ...

    def save_rating(self, rating: TurnRating, *, conn: Connection | None = None) -> TurnRating:
        """Insert ``rating``, or replace rating and note of the same reviewer's rating of the same turn."""
        ...

    def ratings(self, conversation_id: str) -> list[TurnRating]:
        """Every rating of the conversation, oldest change first."""
        ...

    def all_ratings(self) -> list[TurnRating]: ...

    def add_grade(self, grade: ReviewGrade, *, conn: Connection | None = None) -> ReviewGrade: ...

    def grades(self, conversation_id: str) -> list[ReviewGrade]:
        """Every grade of the conversation, oldest first."""
        ...

    def latest_grade(self, conversation_id: str, reviewer: str | None = None) -> ReviewGrade | None: ...

    def add_revision(self, revision: TurnRevision, *, conn: Connection | None = None) -> TurnRevision: ...

    def revisions(self, conversation_id: str) -> list[TurnRevision]:
        """Every turn edit of the conversation, newest first."""
        ...


class ReviewGrid(Protocol):
    """The review grid's queries over active conversations, filtered and sorted in the database."""

    def page(self, query: GridQuery) -> GridPage: ...

    def ordered_ids(self, query: GridQuery) -> list[str]: ...

    def ordered_statuses(self, query: GridQuery, *, pending_around: str | None = None) -> list[tuple[str, str]]: ...

    def next_pending(self, query: GridQuery, current: str | None = None, *, skip: Iterable[str] = ()) -> str | None:
        """The first conversation waiting for review after ``current`` in grid order (from the top when
        ``current`` is ``None`` or not in the set), wrapping around; ``skip`` and ``current`` left out."""
        ...

    def day_progress(self, filters: GridFilters, since: datetime, reviewer: str | None = None) -> tuple[int, int]: ...

    def matching_ids(self, filters: GridFilters, ids: list[str]) -> set[str]: ...

    def filter_options(self) -> dict[str, list[str]]: ...
