"""Review: history, per-turn ratings, turn revisions, rubric grades, and indexes for the review grid.

Frozen DDL (see ``core.storage.migrations``).
"""

import sqlalchemy as sa

from core.storage.migrations import ddl

TABLES = ("review_actions", "turn_ratings", "turn_revisions", "review_grades")

DDL = """
CREATE TABLE IF NOT EXISTS review_actions (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    conversation_id TEXT NOT NULL, action TEXT NOT NULL, performed_by TEXT NOT NULL, comment TEXT,
    reasons {json} NOT NULL, from_status TEXT, to_status TEXT, details {json}, PRIMARY KEY (id),
    CONSTRAINT ck_review_actions_action CHECK (action IN ('approved', 'rejected', 'revision_requested', 'archived',
        'moved_to_review', 'turn_edited', 'turn_rated', 'graded', 'enrichment_requested',
        'added_to_training_file')),
    CONSTRAINT ck_review_actions_from_status CHECK (from_status IN ('pending_review', 'approved', 'rejected',
        'needs_revision', 'archived')),
    CONSTRAINT ck_review_actions_to_status CHECK (to_status IN ('pending_review', 'approved', 'rejected',
        'needs_revision', 'archived'))
);
CREATE INDEX IF NOT EXISTS ix_review_actions_conversation_id ON review_actions (conversation_id);
CREATE INDEX IF NOT EXISTS ix_review_actions_created_at ON review_actions (created_at);
CREATE TABLE IF NOT EXISTS turn_ratings (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    conversation_id TEXT NOT NULL, turn_number BIGINT NOT NULL, rating TEXT NOT NULL, note TEXT,
    rated_by TEXT NOT NULL, PRIMARY KEY (id),
    CONSTRAINT ck_turn_ratings_rating CHECK (rating IN ('good', 'needs_work', 'bad')),
    CONSTRAINT uq_turn_ratings_conversation_id_turn_number UNIQUE (conversation_id, turn_number)
);
CREATE INDEX IF NOT EXISTS ix_turn_ratings_conversation_id ON turn_ratings (conversation_id);
CREATE TABLE IF NOT EXISTS turn_revisions (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    conversation_id TEXT NOT NULL, turn_number BIGINT NOT NULL, original_content TEXT NOT NULL,
    new_content TEXT NOT NULL, edited_by TEXT NOT NULL, PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_turn_revisions_conversation_id ON turn_revisions (conversation_id);
CREATE TABLE IF NOT EXISTS review_grades (
    id TEXT NOT NULL, created_by TEXT, created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    conversation_id TEXT NOT NULL, graded_by TEXT NOT NULL, overall BIGINT NOT NULL, empathy BIGINT NOT NULL,
    clarity BIGINT NOT NULL, appropriateness BIGINT NOT NULL, expert_voice BIGINT NOT NULL, comment TEXT,
    PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_review_grades_conversation_id ON review_grades (conversation_id);
CREATE INDEX IF NOT EXISTS ix_conversations_active_created ON conversations (is_active, created_at);
CREATE INDEX IF NOT EXISTS ix_conversations_active_review_created
    ON conversations (is_active, review_status, created_at);
"""


def upgrade(conn: sa.Connection) -> None:
    ddl.run(conn, DDL)
