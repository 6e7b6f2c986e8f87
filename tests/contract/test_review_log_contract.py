"""The ``ReviewLog`` port (``core.storage.review_log_repo``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.models.conversation import Conversation
from core.models.review import ReviewAction, ReviewGrade, TurnRating, TurnRevision
from core.storage.database import Database
from core.storage.ports import ReviewLog
from core.storage.review_log_repo import ReviewLogRepo

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def log(db: Database) -> ReviewLog:
    return ReviewLogRepo(db)


@pytest.fixture
def cid(db: Database) -> str:
    return db.conversations.add(Conversation(conversation_name="Maya", turn_count=4)).conversation_id


def action(cid: str, kind: str, minutes: int, **fields: object) -> ReviewAction:
    return ReviewAction(conversation_id=cid, action=kind, performed_by="ana", created_at=at(minutes), **fields)  # type: ignore[arg-type]


def test_history_is_one_conversations_lines_newest_first(db: Database, log: ReviewLog, cid: str) -> None:
    other = db.conversations.add(Conversation(conversation_name="Other")).conversation_id
    log.add_action(action(cid, "approved", 1))
    log.add_actions([action(cid, "turn_rated", 2), action(other, "rejected", 3), action(cid, "graded", 0)])
    assert [a.action for a in log.history(cid)] == ["turn_rated", "approved", "graded"]
    assert [a.action for a in log.history(other)] == ["rejected"]


def test_last_action_is_the_newest_of_the_kinds_asked_for(log: ReviewLog, cid: str) -> None:
    log.add_actions(
        [
            action(cid, "approved", 1, from_status="pending_review", to_status="approved"),
            action(cid, "archived", 2, from_status="approved", to_status="archived"),
            action(cid, "turn_rated", 3),
        ]
    )
    last = log.last_action(cid, ("approved", "archived"))
    assert last is not None and (last.action, last.from_status) == ("archived", "approved")
    assert log.last_action(cid, ("rejected",)) is None


def test_an_action_written_in_a_failed_transaction_is_not_kept(db: Database, log: ReviewLog, cid: str) -> None:
    with pytest.raises(RuntimeError), db.transaction() as conn:
        log.add_action(action(cid, "approved", 1), conn=conn)
        raise RuntimeError("the decision failed after its history line")
    assert log.history(cid) == []


def rating(cid: str, turn: int, value: str, by: str, note: str | None = None) -> TurnRating:
    return TurnRating(conversation_id=cid, turn_number=turn, rating=value, rated_by=by, note=note)  # type: ignore[arg-type]


def test_a_reviewers_new_rating_replaces_their_own_and_keeps_others(log: ReviewLog, cid: str) -> None:
    log.save_rating(rating(cid, 1, "good", "ana"))
    log.save_rating(rating(cid, 1, "bad", "ben"))
    saved = log.save_rating(rating(cid, 1, "needs_work", "ana", note="too long"))
    assert (saved.rating, saved.note) == ("needs_work", "too long")
    found = log.rating(cid, 1, "ana")
    assert found is not None and (found.rating, found.note) == ("needs_work", "too long")
    assert sorted((r.rated_by, r.rating) for r in log.ratings(cid)) == [("ana", "needs_work"), ("ben", "bad")]
    assert log.rating(cid, 2, "ana") is None
    assert len(log.all_ratings()) == 2


def test_ratings_come_oldest_change_first(log: ReviewLog, cid: str) -> None:
    log.save_rating(rating(cid, 1, "good", "ana"))
    log.save_rating(rating(cid, 2, "good", "ana"))
    log.save_rating(rating(cid, 1, "bad", "ana"))  # changed last
    assert [(r.turn_number, r.rating) for r in log.ratings(cid)] == [(2, "good"), (1, "bad")]


def grade(cid: str, by: str, overall: int, minutes: int) -> ReviewGrade:
    scores = {"empathy": 3, "clarity": 3, "appropriateness": 3, "expert_voice": 3}
    return ReviewGrade(conversation_id=cid, graded_by=by, overall=overall, created_at=at(minutes), **scores)  # type: ignore[arg-type]


def test_grades_come_oldest_first_and_the_latest_is_per_reviewer(log: ReviewLog, cid: str) -> None:
    log.add_grade(grade(cid, "ana", 2, 0))
    log.add_grade(grade(cid, "ben", 5, 1))
    log.add_grade(grade(cid, "ana", 4, 2))
    assert [(g.graded_by, g.overall) for g in log.grades(cid)] == [("ana", 2), ("ben", 5), ("ana", 4)]
    latest = log.latest_grade(cid)
    assert latest is not None and (latest.graded_by, latest.overall) == ("ana", 4)
    bens = log.latest_grade(cid, "ben")
    assert bens is not None and bens.overall == 5
    assert log.latest_grade(cid, "cleo") is None


def test_revisions_come_newest_first(log: ReviewLog, cid: str) -> None:
    for n, text in enumerate(["first edit", "second edit"]):
        log.add_revision(
            TurnRevision(
                conversation_id=cid,
                turn_number=2,
                original_content="before",
                new_content=text,
                edited_by="ana",
                created_at=at(n),
            )
        )
    assert [r.new_content for r in log.revisions(cid)] == ["second edit", "first edit"]
    assert log.revisions("another") == []
