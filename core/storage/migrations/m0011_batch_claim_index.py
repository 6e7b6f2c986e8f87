"""An index for claiming and finishing batch items at any job size: (job_id, status, position).

The next queued item of a job, and whether any item is still queued or in flight, are then one step down
this index, however many items the job has already finished. ``CREATE INDEX IF NOT EXISTS`` works on
SQLite and Postgres and does nothing when the index is there.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.migrations.ddl import run

SCRIPT = """
CREATE INDEX IF NOT EXISTS ix_batch_items_job_status_position ON batch_items (job_id, status, position);
"""


def upgrade(conn: sa.Connection) -> None:
    run(conn, SCRIPT)
