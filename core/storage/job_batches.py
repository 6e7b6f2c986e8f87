"""Creating a job's items in bulk, and what Message Batches mode keeps on them: the request sent, the batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from core.models.base import utcnow
from core.models.jobs import BatchItem
from core.models.statuses import Item
from core.storage.job_rows import LogLines, b, items_t, jobs_t, lock_job, note


def insert_items(conn: sa.Connection, rows: Iterable[dict[str, Any]], *, chunk: int = 5000) -> int:
    """Insert item rows (already shaped as the table's columns) in chunks; returns how many."""
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == chunk:
            conn.execute(sa.insert(items_t), batch)
            count, batch = count + len(batch), []
    if batch:
        conn.execute(sa.insert(items_t), batch)
    return count + len(batch)


def store_requests(conn: sa.Connection, frozen: dict[str, dict[str, Any]]) -> None:
    """Keep each item's exact request (and scaffolding snapshot): its result is ingested with them."""
    if not frozen:
        return
    update = sa.update(items_t).where(items_t.c.id == b("b_id")).values(submitted_request=b("b_frozen"))
    conn.execute(update, [{"b_id": item_id, "b_frozen": data} for item_id, data in frozen.items()])


def mark_submitted(
    conn: sa.Connection,
    lines: LogLines,
    job_id: str,
    owner: str,
    batch_id: str,
    item_ids: Sequence[str],
    *,
    lease: timedelta,
) -> None:
    """Items sent in API batch ``batch_id``: held by the batch (``message-batch:<id>``) under a long lease."""
    now = utcnow()
    job = lock_job(conn, job_id)
    conn.execute(
        sa.update(items_t)
        .where(items_t.c.id.in_(list(item_ids)), items_t.c.lease_owner == owner)
        .values(
            message_batch_id=batch_id,
            lease_owner=f"message-batch:{batch_id}",
            lease_expires_at=now + lease,
            updated_at=now,
        )
    )
    ids = [*(job.message_batch_ids if job else []), batch_id]
    conn.execute(sa.update(jobs_t).where(jobs_t.c.id == job_id).values(message_batch_ids=ids, updated_at=now))
    note(conn, lines, job_id, f"Sent {len(item_ids)} item(s) as message batch {batch_id}.")


def in_batch(conn: sa.Connection, job_id: str, batch_id: str) -> list[BatchItem]:
    """The items of API batch ``batch_id`` still waiting for their result."""
    query = sa.select(items_t).where(
        items_t.c.job_id == job_id, items_t.c.message_batch_id == batch_id, items_t.c.status == Item.PROCESSING
    )
    return [BatchItem.model_validate(dict(row._mapping)) for row in conn.execute(query.order_by(items_t.c.position))]
