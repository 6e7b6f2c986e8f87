"""Message Batches mode: a job's items go to Anthropic's Message Batches API at half price.

Each ``step`` (a worker calls it every poll interval) does two things without blocking:
1. submit: claim the queued items (as many as the budget allows), build each request exactly as online
   generation would, split them at the API's limits, create one API batch per chunk, and mark the items
   with their batch id and a long lease (a batch may take up to 24 hours);
2. poll: for each API batch that still has items in flight, ask whether it ended; if so, ingest every
   result: a stored conversation (priced at the batch rate) or a recorded failure with the API's reason.
``BatchService.resubmit_failed`` puts failed items back in the queue; the next step sends only those.

A cancelled job is settled instead (``settle``): each of its batches still in progress is cancelled at the
API, polled until it has ended, and ingested: results that finished are stored (their real cost), the
``canceled`` ones mark their items cancelled and their calls cost nothing. A job cancelled while its batch is
being created gets that batch cancelled right after, and the items not sent yet are cancelled unsent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from core.batch import joblog
from core.batch.generation_processor import GenerationItem, GenerationProcessor
from core.batch.processor import ItemOutcome, conversation_id_for
from core.batch.store import BatchStore
from core.errors import BrightRunError, LLMError
from core.generation.frozen import freeze_plan, thaw_plan
from core.generation.plan import GenerationPlan
from core.llm.claude import ClaudeClient
from core.llm.types import MessageBatchInfo, MessageBatchResult, MessageRequest
from core.models.jobs import BatchItem, BatchJob
from core.models.logs import GenerationLog
from core.models.statuses import RUNNABLE, ApiBatch, Call, Job

#: The API's limits per batch (requests, bytes of the request body); we keep a margin on bytes.
MAX_REQUESTS = 100_000
MAX_BYTES = 256 * 1024 * 1024 - 1024 * 1024
SUBMIT_LEASE = timedelta(minutes=10)
BATCH_LEASE = timedelta(days=2)
#: Where the frozen request keeps the id of the call's ``sent`` log row.
LOG_ID = "log_id"


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
        store: BatchStore,
        processor: GenerationProcessor,
        client: Callable[[], ClaudeClient],
        *,
        owner: str,
        max_requests: int = MAX_REQUESTS,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.store = store
        self.processor = processor
        self.client = client
        self.owner = owner
        self.max_requests = max_requests
        self.max_bytes = max_bytes

    def step(self, job: BatchJob) -> None:
        if job.status == Job.CANCELLED:
            self.settle(job)
            return
        self.submit(job)
        self.poll(self.store.jobs.get(job.id))

    # -- submitting -----------------------------------------------------------------------------------
    def claim_queued(self, job_id: str) -> list[BatchItem]:
        """Claim the queued items that fit the budget (the engine's one ``claim``), under a short lease while
        they are being sent."""
        return self.store.queue.claim(job_id, self.owner, n=None, lease_s=SUBMIT_LEASE.total_seconds()).items

    def submit(self, job: BatchJob) -> int:
        """Send the queued items; returns how many went out. Each call's log row is written (``sent``, its
        estimate charged to the job) before its batch is created, so a worker killed meanwhile leaves it."""
        items = self.claim_queued(job.id)
        plans: dict[str, tuple[BatchItem, GenerationPlan]] = {}
        for item in items:
            try:
                plans[item.id] = (item, self.processor.plan(job, item))
            except BrightRunError as err:
                self.store.queue.finish(item, self.owner, ItemOutcome.failure(err.message))
        entries = self._log_sent(job, plans)
        requests = [(item_id, plan.request) for item_id, (_, plan) in plans.items()]
        sent = 0
        chunks = split(requests, max_requests=self.max_requests, max_bytes=self.max_bytes)
        for number, chunk in enumerate(chunks):
            ids = [custom_id for custom_id, _ in chunk]
            if self._cancelled(job.id):  # cancelled while sending: what is not sent yet is never sent
                unsent = [custom_id for later in chunks[number:] for custom_id, _ in later]
                self._cancel_unsent(job, [plans[i][0] for i in unsent], [entries[i] for i in unsent])
                break
            try:
                info = self.client().create_message_batch(chunk)
            except LLMError as err:
                self._release(job, [plans[i][0] for i in ids], [entries[i] for i in ids], err)
                joblog.write(self.store.rows, job.id, f"Could not create a message batch: {err.message}", level="error")
                break
            with self.store.transactions.transaction() as conn:
                self.store.queue.mark_submitted(conn, job.id, self.owner, info.id, ids, lease=BATCH_LEASE)
            sent += len(chunk)
            if self._cancelled(job.id):  # cancelled while this batch was being created: it was not seen then
                self._cancel_at_api(job.id, info.id)
        return sent

    def _cancelled(self, job_id: str) -> bool:
        current = self.store.jobs.find(job_id)
        return current is None or current.status == Job.CANCELLED

    def _cancel_unsent(self, job: BatchJob, items: list[BatchItem], entries: list[GenerationLog]) -> None:
        """Items claimed for sending when the job was cancelled: their calls were never made (cost nothing)."""
        why = "The job was cancelled before this item was sent."
        for entry in entries:
            self.processor.generation.fail_call(entry, LLMError(why, code="canceled"))
        for item in items:
            self.store.queue.finish(item, self.owner, ItemOutcome.cancelled(why))
        self._recount(job.id)

    def _cancel_at_api(self, job_id: str, batch_id: str) -> MessageBatchInfo | None:
        try:
            info = self.client().cancel_message_batch(batch_id)
        except LLMError as err:
            joblog.write(self.store.rows, job_id, f"Cancelling batch {batch_id} failed: {err.message}", level="warning")
            return None
        joblog.write(self.store.rows, job_id, f"Asked Anthropic to cancel message batch {batch_id}.")
        return info

    def _recount(self, job_id: str) -> None:
        with self.store.transactions.transaction() as conn:
            self.store.queue.recount(conn, job_id)

    def settle(self, job: BatchJob) -> int:
        """A cancelled job's batches: cancel at the API each one still in progress, ingest each one that has
        ended. Returns how many items are still waiting for Anthropic to end their batch (poll again)."""
        left = ingested = 0
        for batch_id in job.message_batch_ids:
            waiting = self.store.queue.in_batch(job.id, batch_id)
            if not waiting:
                continue
            try:
                info: MessageBatchInfo | None = self.client().retrieve_message_batch(batch_id)
                if info is not None and info.processing_status == ApiBatch.IN_PROGRESS:
                    info = self._cancel_at_api(job.id, batch_id)
                if info is None or not info.ended:
                    left += len(waiting)
                    continue
                results = self.client().message_batch_results(batch_id)
            except LLMError as err:
                joblog.write(
                    self.store.rows, job.id, f"Polling batch {batch_id} failed: {err.message}", level="warning"
                )
                left += len(waiting)
                continue
            ingested += self._ingest(job, batch_id, waiting, results)
        if ingested:
            self._recount(job.id)
        return left

    def _log_sent(self, job: BatchJob, plans: dict[str, tuple[BatchItem, GenerationPlan]]) -> dict[str, GenerationLog]:
        """Each item's ``sent`` call row and its frozen request, in one transaction."""
        entries: dict[str, GenerationLog] = {}
        frozen: dict[str, dict[str, Any]] = {}
        if not plans:
            return entries
        with self.store.transactions.transaction() as conn:
            for item_id, (item, plan) in plans.items():
                entries[item_id] = self.processor.generation.begin_call(
                    plan,
                    conversation_id=conversation_id_for(item),
                    job_id=job.id,
                    created_by=job.created_by,
                    batch=True,
                    conn=conn,
                )
                frozen[item_id] = freeze_plan(plan) | {LOG_ID: entries[item_id].id}
            self.store.queue.store_requests(conn, frozen)
        return entries

    def _release(self, job: BatchJob, items: list[BatchItem], entries: list[GenerationLog], err: LLMError) -> None:
        """The batch could not be created: its calls were never made (their rows end as failed, costing
        nothing) and the items go back to the queue."""
        for entry in entries:
            self.processor.generation.fail_call(entry, err)
        self.store.queue.release(items, self.owner)

    # -- polling and ingesting ------------------------------------------------------------------------
    def poll(self, job: BatchJob) -> int:
        """Ingest the results of every ended batch that still has items in flight; returns items ingested."""
        if job.status not in RUNNABLE:
            return 0
        ingested = 0
        for batch_id in job.message_batch_ids:
            waiting = self.store.queue.in_batch(job.id, batch_id)
            if not waiting:
                continue
            try:
                info = self.client().retrieve_message_batch(batch_id)
                if not info.ended:
                    continue
                results = self.client().message_batch_results(batch_id)
            except LLMError as err:
                joblog.write(
                    self.store.rows, job.id, f"Polling batch {batch_id} failed: {err.message}", level="warning"
                )
                continue
            ingested += self._ingest(job, batch_id, waiting, results)
        return ingested

    def _ingest(self, job: BatchJob, batch_id: str, waiting: list[BatchItem], results: list[MessageBatchResult]) -> int:
        by_id = {item.id: item for item in waiting}
        owner = f"message-batch:{batch_id}"
        for result in results:
            item = by_id.pop(result.custom_id, None)
            if item is not None and not (outcome := self._outcome(job, item, result)).finished:
                self.store.queue.finish(item, owner, outcome)
        for item in by_id.values():  # the API returned nothing for these
            self.store.queue.finish(item, owner, ItemOutcome.failure("The message batch returned no result."))
        joblog.write(self.store.rows, job.id, f"Message batch {batch_id} ended: {len(results)} result(s) ingested.")
        return len(results)

    def _outcome(self, job: BatchJob, item: BatchItem, result: MessageBatchResult) -> ItemOutcome:
        try:  # the plan as submitted (items sent before m0005 have none: rebuild it)
            plan = thaw_plan(item.submitted_request) if item.submitted_request else self.processor.plan(job, item)
        except BrightRunError as err:
            return ItemOutcome.failure(err.message)
        entry = self._sent_entry(item)
        if result.reply is not None:
            return self.processor.ingest(job, item, plan, result.reply, batch=True, entry=entry)
        if result.result_type == "canceled":  # cancelled before Claude answered: costs nothing
            why = "The batch was cancelled before Claude answered this item."
            if entry is not None:
                self.processor.generation.fail_call(entry, LLMError(why, code="canceled"))
            return ItemOutcome.cancelled(why)
        reason = result.error_message or "no reason given"
        error = LLMError(
            f"Message Batches result '{result.result_type}' ({result.error_type or '-'}): {reason}",
            code=result.error_type or result.result_type,
        )
        if entry is not None:
            self.processor.generation.fail_call(entry, error)
        return self.processor.give_up(GenerationItem(job=job, item=item, plan=plan, logged=entry is not None), error)

    def _sent_entry(self, item: BatchItem) -> GenerationLog | None:
        """The call's ``sent`` row written at submission (items sent before it was written there have none)."""
        log_id = (item.submitted_request or {}).get(LOG_ID)
        entry = self.store.calls.find(log_id) if log_id else None
        return entry if entry is not None and entry.status == Call.SENT else None
