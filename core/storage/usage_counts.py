"""How often each persona, arc, topic and template was used to generate: one UPDATE per table that adds 1
in SQL, so concurrent generations never lose a count. The statements are built once."""

from __future__ import annotations

import sqlalchemy as sa

from core.models.base import utcnow
from core.storage import schema

_TABLES = (schema.personas, schema.emotional_arcs, schema.training_topics, schema.prompt_templates)
_ADD_ONE = [
    sa.update(t)
    .where(t.c.id == sa.bindparam("b_id"))
    .values(usage_count=t.c.usage_count + 1, updated_at=sa.bindparam("b_now"))
    for t in _TABLES
]


class UsageCounts:
    def count_use(self, conn: sa.Connection, persona_id: str, arc_id: str, topic_id: str, template_id: str) -> None:
        """One more use of each record, inside ``conn``."""
        now = utcnow()
        for statement, record_id in zip(_ADD_ONE, (persona_id, arc_id, topic_id, template_id), strict=True):
            conn.execute(statement, {"b_id": record_id, "b_now": now})
