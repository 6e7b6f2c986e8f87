"""Turn ratings per reviewer: one rating per (conversation, turn, reviewer), not per (conversation, turn).

Several reviewers rate the same turns side by side; the old constraint made a second reviewer's rating
overwrite the first. Postgres swaps the unique constraint in place (the table keeps its row-level
security policies); SQLite cannot drop a table constraint, so the table is rebuilt with the same columns
and rows. Both steps check first, so a database created from the current schema is left alone.
"""

import sqlalchemy as sa

OLD = "uq_turn_ratings_conversation_id_turn_number"
NEW = "uq_turn_ratings_conversation_id_turn_number_rated_by"

SQLITE_TABLE = """
CREATE TABLE turn_ratings_m0007 (
    id TEXT NOT NULL,
    created_by TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    conversation_id TEXT NOT NULL,
    turn_number BIGINT NOT NULL,
    rating TEXT NOT NULL,
    note TEXT,
    rated_by TEXT NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT ck_turn_ratings_rating CHECK (rating IN ('good', 'needs_work', 'bad')),
    CONSTRAINT uq_turn_ratings_conversation_id_turn_number_rated_by UNIQUE (conversation_id, turn_number, rated_by)
)
"""
COLUMNS = "id, created_by, created_at, updated_at, conversation_id, turn_number, rating, note, rated_by"


def _unique_names(conn: sa.Connection) -> set[str]:
    return {str(u["name"]) for u in sa.inspect(conn).get_unique_constraints("turn_ratings") if u.get("name")}


def upgrade(conn: sa.Connection) -> None:
    names = _unique_names(conn)
    if NEW in names and OLD not in names:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(f"ALTER TABLE turn_ratings DROP CONSTRAINT IF EXISTS {OLD}"))
        if NEW not in names:
            conn.execute(
                sa.text(
                    f"ALTER TABLE turn_ratings ADD CONSTRAINT {NEW} UNIQUE (conversation_id, turn_number, rated_by)"
                )
            )
        return
    conn.execute(sa.text(SQLITE_TABLE))
    conn.execute(sa.text(f"INSERT INTO turn_ratings_m0007 ({COLUMNS}) SELECT {COLUMNS} FROM turn_ratings"))
    conn.execute(sa.text("DROP TABLE turn_ratings"))
    conn.execute(sa.text("ALTER TABLE turn_ratings_m0007 RENAME TO turn_ratings"))
    conn.execute(
        sa.text("CREATE INDEX IF NOT EXISTS ix_turn_ratings_conversation_id ON turn_ratings (conversation_id)")
    )
