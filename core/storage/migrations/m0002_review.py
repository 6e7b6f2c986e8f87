"""Review: history, per-turn ratings, turn revisions, rubric grades, and indexes for the review grid."""

import sqlalchemy as sa

from core.storage import schema

TABLES = ("review_actions", "turn_ratings", "turn_revisions", "review_grades")


def upgrade(conn: sa.Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.metadata.tables[name] for name in TABLES], checkfirst=True)
    # A database created by m0001 from the current schema already has these indexes; an older one does not.
    for index in schema.REVIEW_GRID_INDEXES:
        index.create(conn, checkfirst=True)
