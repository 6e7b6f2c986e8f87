"""Clients in any field: a client's own goal (``personas.goals``, "what they want").

Frozen DDL. A plain nullable column; the personas policies of m0004/m0006 cover it (no new table).
"""

import sqlalchemy as sa

from core.storage.migrations import ddl


def upgrade(conn: sa.Connection) -> None:
    ddl.add_column(conn, "personas", "goals TEXT")
