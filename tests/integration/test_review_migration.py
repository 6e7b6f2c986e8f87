"""The review migration brings an older database up to date and is safe to run twice."""

from __future__ import annotations

import sqlalchemy as sa

from core.models.review import TurnRating
from core.storage.database import Database
from core.storage.migrations import m0002_review, m0007_ratings_per_reviewer, m0014_projects


def test_review_migration_restores_missing_indexes_and_tables_and_runs_twice(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_conversations_active_created"))
    with db.engine.begin() as conn:
        m0002_review.upgrade(conn)
        m0002_review.upgrade(conn)
    inspector = sa.inspect(db.engine)
    assert "ix_conversations_active_created" in {i["name"] for i in inspector.get_indexes("conversations")}
    assert {"review_actions", "turn_ratings", "turn_revisions", "review_grades"} <= set(inspector.get_table_names())


OLD = m0007_ratings_per_reviewer.OLD
OLD_RATINGS = """
CREATE TABLE turn_ratings (
    id TEXT NOT NULL, created_by TEXT, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
    conversation_id TEXT NOT NULL, turn_number BIGINT NOT NULL, rating TEXT NOT NULL, note TEXT,
    rated_by TEXT NOT NULL, PRIMARY KEY (id),
    CONSTRAINT ck_turn_ratings_rating CHECK (rating IN ('good', 'needs_work', 'bad')),
    CONSTRAINT uq_turn_ratings_conversation_id_turn_number UNIQUE (conversation_id, turn_number)
)
"""


def test_ratings_per_reviewer_migration_keeps_old_ratings_and_lets_two_reviewers_rate(db: Database) -> None:
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.begin() as conn:  # a database from before m0007: one rating per turn
        if postgres:  # the shared server's table keeps its row-level security: swap the constraint back
            conn.execute(sa.text(f"ALTER TABLE turn_ratings DROP CONSTRAINT {m0007_ratings_per_reviewer.NEW}"))
            conn.execute(
                sa.text(f"ALTER TABLE turn_ratings ADD CONSTRAINT {OLD} UNIQUE (conversation_id, turn_number)")
            )
        else:
            conn.execute(sa.text("DROP TABLE turn_ratings"))
            conn.execute(sa.text(OLD_RATINGS))
            conn.execute(sa.text("CREATE INDEX ix_turn_ratings_conversation_id ON turn_ratings (conversation_id)"))
        conn.execute(
            sa.text(
                "INSERT INTO turn_ratings (id, created_at, updated_at, conversation_id, turn_number, rating, rated_by)"
                " VALUES ('r1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'c1', 2, 'bad', 'Ana')"
            )
        )
    with db.engine.begin() as conn:
        m0007_ratings_per_reviewer.upgrade(conn)
        m0007_ratings_per_reviewer.upgrade(conn)
        m0014_projects.upgrade(conn)  # the rebuilt table gets its project column back, as an old database would
    uniques = {u["name"] for u in sa.inspect(db.engine).get_unique_constraints("turn_ratings")}
    assert uniques == {m0007_ratings_per_reviewer.NEW}
    [kept] = db.turn_ratings.list()
    assert (kept.id, kept.rating, kept.rated_by) == ("r1", "bad", "Ana")
    db.turn_ratings.add(TurnRating(conversation_id="c1", turn_number=2, rating="good", rated_by="Ben"))
    assert db.turn_ratings.count() == 2
    if postgres:
        with db.engine.begin() as conn:
            secured = conn.execute(sa.text("SELECT relrowsecurity FROM pg_class WHERE relname = 'turn_ratings'"))
            assert secured.scalar_one() is True
