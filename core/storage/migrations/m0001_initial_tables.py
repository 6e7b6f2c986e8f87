"""Every table of DESIGN.md's data model."""

import sqlalchemy as sa

from core.storage import schema

TABLES = (
    "expert_profiles",
    "personas",
    "emotional_arcs",
    "training_topics",
    "prompt_templates",
    "conversations",
    "batch_jobs",
    "batch_items",
    "failed_generations",
    "generation_logs",
    "training_files",
    "training_file_conversations",
)


def upgrade(conn: sa.Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.metadata.tables[name] for name in TABLES], checkfirst=True)
