"""Message Batches mode: a job's items go to Anthropic's Message Batches API at half price.

Each ``step`` (a worker calls it every poll interval) does two things without blocking:
1. submit: claim the queued items (as many as the budget allows), build each request exactly as online
   generation would, split them at the API's limits, create one API batch per chunk, and mark the items
   with their batch id and a long lease (a batch may take up to 24 hours);
2. poll: for each API batch that still has items in flight, ask whether it ended; if so, ingest every
   result: a stored conversation (priced at the batch rate) or a recorded failure with the API's reason.
``BatchService.resubmit_failed`` puts failed items back in the queue; the next step sends only those.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from core.batch import claims, joblog
from core.batch.generation_processor import GenerationProcessor
from core.batch.processor import ItemOutcome, PreparedItem
from core.errors import BrightRunError, LLMError
from core.generation.frozen import freeze_plan, thaw_plan
from core.llm.claude import ClaudeClient
from core.llm.types import MessageBatchResult, MessageRequest
from core.models.base import utcnow
from core.models.jobs import BatchItem, BatchJob
from core.storage.database import Database

#: The API's limits per batch (requests, bytes of the request body); we keep a margin on bytes.
MAX_REQUESTS = 100_000
MAX_BYTES = 256 * 1024 * 1024 - 1024 * 1024
SUBMIT_LEASE = timedelta(minutes=10)
BATCH_LEASE = timedelta(days=2)


def split(
    requests: list[tuple[str, MessageRequest]], *, max_requests: int, max_bytes: int
) -> list[list[tuple[str, MessageRequest]]]:
    """Chunks that each stay within ``max_requests`` requests and ``max_bytes`` of JSON."""
    chunks: list[list[tuple[str, MessageRequest]]] = []
    current: list[tuple[str, MessageRequest]] = []
    size = 0
    for custom_id, request in requests:
        body = len(json.dumps({"custom_id": custom_id, "params": request.to_params()}).encode())
        if current and (len(current) >= max_requests or size + body > max_bytes):
            chunks.append(current)
            current, size = [], 0
        current.append((custom_id, request))
        size += body
    if current:
        chunks.append(current)
    return chunks


class MessageBatchDriver:
    def __init__(
        self,
        db: Database,
        processor: GenerationProcessor,
        client: Callable[[], ClaudeClient],
        *,
        owner: str,
        max_requests: int = MAX_REQUESTS,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.db = db
        self.processor = processor
        self.client = client
        self.owner = owner
        self.max_requests = max_requests
        self.max_bytes = max_bytes

    def step(self, job: BatchJob) -> None:
        self.submit(job)
        self.poll(self.db.jobs.get(job.id))

    # -- submitting -----------------------------------------------------------------------------------
    def claim_queued(self, job_id: str) -> list[BatchItem]:
        """Claim the queued items that fit the budget, under a short lease while they are being sent."""
        now = utcnow()
        t = claims.items_t
        with self.db.transaction() as conn:
            job = claims.lock_job(conn, job_id)
            if job is None or job.status not in claims.RUNNABLE:
                return []
            query = sa.select(t).where(t.c.job_id == job_id, t.c.status == "queued").order_by(t.c.position)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            items = [BatchItem.model_validate(dict(r._mapping)) for r in conn.execute(query)]
            if job.budget_usd is not None and items:
                per_item = claims.expected_item_cost(job) or 0.0
                busy = claims.in_flight(conn, job_id)
                room = job.budget_usd - job.cost_usd - per_item * busy
                fit = len(items) if per_item <= 0 else max(0, int(room // per_item + 1e-9))
                if fit == 0 and not busy:
                    claims.stop_budget(conn, self.db, job)
                items = items[:fit]
            if not items:
                return []
            token = claims.new_token()
            conn.execute(
                sa.update(t)
                .where(t.c.id.in_([i.id for i in items]))
                .values(
                    status="processing",
                    lease_owner=self.owner,
                    lease_expires_at=now + SUBMIT_LEASE,
                    attempt_token=token,
                    attempts=t.c.attempts + 1,
                    started_at=now,
                    updated_at=now,
                )
            )
            if job.status == "queued":
                conn.execute(
                    sa.update(claims.jobs_t)
                    .where(claims.jobs_t.c.id == job_id)
                    .values(status="processing", started_at=now, updated_at=now)
                )
        claimed = {"status": "processing", "lease_owner": self.owner, "attempt_token": token}
        return [i.model_copy(update=claimed) for i in items]

    def submit(self, job: BatchJob) -> int:
        """Send the queued items; returns how many went out."""
        items = self.claim_queued(job.id)
        requests: list[tuple[str, MessageRequest]] = []
        frozen: dict[str, dict[str, Any]] = {}
        for item in items:
            try:
                plan = self.processor.plan(job, item)
            except BrightRunError as err:
                claims.finish(self.db, item, self.owner, ItemOutcome.failure(err.message))
                continue
            requests.append((item.id, plan.request))
            frozen[item.id] = freeze_plan(plan)
        self._store_requests(frozen)
        sent = 0
        for chunk in split(requests, max_requests=self.max_requests, max_bytes=self.max_bytes):
            try:
                info = self.client().create_message_batch(chunk)
            except LLMError as err:
                self._release([custom_id for custom_id, _ in chunk])
                joblog.write(self.db, job.id, f"Could not create a message batch: {err.message}", level="error")
                break
            self._mark_submitted(job.id, info.id, [custom_id for custom_id, _ in chunk])
            sent += len(chunk)
        return sent

    def _store_requests(self, frozen: dict[str, dict[str, Any]]) -> None:
        """Keep each item's exact request and scaffolding snapshot: its result is ingested with them."""
        if not frozen:
            return
        t = claims.items_t
        update = sa.update(t).where(t.c.id == sa.bindparam("item_id")).values(submitted_request=sa.bindparam("frozen"))
        with self.db.transaction() as conn:
            conn.execute(update, [{"item_id": item_id, "frozen": data} for item_id, data in frozen.items()])

    def _mark_submitted(self, job_id: str, batch_id: str, item_ids: list[str]) -> None:
        now = utcnow()
        t = claims.items_t
        with self.db.transaction() as conn:
            job = claims.lock_job(conn, job_id)
            conn.execute(
                sa.update(t)
                .where(t.c.id.in_(item_ids), t.c.lease_owner == self.owner)
                .values(
                    message_batch_id=batch_id,
                    lease_owner=f"message-batch:{batch_id}",
                    lease_expires_at=now + BATCH_LEASE,
                    updated_at=now,
                )
            )
            ids = [*(job.message_batch_ids if job else []), batch_id]
            conn.execute(
                sa.update(claims.jobs_t)
                .where(claims.jobs_t.c.id == job_id)
                .values(message_batch_ids=ids, updated_at=now)
            )
            joblog.write(self.db, job_id, f"Sent {len(item_ids)} item(s) as message batch {batch_id}.", conn=conn)

    def _release(self, item_ids: list[str]) -> None:
        t = claims.items_t
        with self.db.transaction() as conn:
            conn.execute(
                sa.update(t)
                .where(t.c.id.in_(item_ids), t.c.lease_owner == self.owner)
                .values(status="queued", lease_owner=None, lease_expires_at=None, attempts=t.c.attempts - 1)
            )

    # -- polling and ingesting ------------------------------------------------------------------------
    def poll(self, job: BatchJob) -> int:
        """Ingest the results of every ended batch that still has items in flight; returns items ingested."""
        if job.status not in claims.RUNNABLE:
            return 0
        ingested = 0
        for batch_id in job.message_batch_ids:
            waiting = self.db.items.list(where={"job_id": job.id, "message_batch_id": batch_id, "status": "processing"})
            if not waiting:
                continue
            try:
                info = self.client().retrieve_message_batch(batch_id)
                if not info.ended:
                    continue
                results = self.client().message_batch_results(batch_id)
            except LLMError as err:
                joblog.write(self.db, job.id, f"Polling batch {batch_id} failed: {err.message}", level="warning")
                continue
            ingested += self._ingest(job, batch_id, waiting, results)
        return ingested

    def _ingest(self, job: BatchJob, batch_id: str, waiting: list[BatchItem], results: list[MessageBatchResult]) -> int:
        by_id = {item.id: item for item in waiting}
        owner = f"message-batch:{batch_id}"
        for result in results:
            item = by_id.pop(result.custom_id, None)
            if item is not None:
                claims.finish(self.db, item, owner, self._outcome(job, item, result))
        for item in by_id.values():  # the API returned nothing for these
            claims.finish(self.db, item, owner, ItemOutcome.failure("The message batch returned no result."))
        joblog.write(self.db, job.id, f"Message batch {batch_id} ended: {len(results)} result(s) ingested.")
        return len(results)

    def _outcome(self, job: BatchJob, item: BatchItem, result: MessageBatchResult) -> ItemOutcome:
        try:  # the plan as submitted (items sent before m0005 have none: rebuild it)
            plan = thaw_plan(item.submitted_request) if item.submitted_request else self.processor.plan(job, item)
        except BrightRunError as err:
            return ItemOutcome.failure(err.message)
        if result.reply is not None:
            return self.processor.ingest(job, item, plan, result.reply, batch=True)
        reason = result.error_message or "no reason given"
        error = LLMError(
            f"Message Batches result '{result.result_type}' ({result.error_type or '-'}): {reason}",
            code=result.error_type or result.result_type,
        )
        return self.processor.give_up(PreparedItem(job, item, payload=plan, extra={"logged": False}), error)
