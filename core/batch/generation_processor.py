"""The real item processor: one conversation per item through the generation service's split steps.

The conversation id is fixed per item (``conversation_id_for``), so when a worker dies after storing a
conversation but before marking its item, the next claim finds the conversation and adopts it instead of
generating a duplicate. Calls go out with the SDK's own retries off: the runner backs off and retries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from core.batch import claims
from core.batch.processor import ItemOutcome, PreparedItem, conversation_id_for
from core.batch.scaffolding_view import CachedScaffolding
from core.errors import LeaseLostError, LLMError
from core.generation.plan import GenerationPlan, GenerationResult
from core.generation.service import GenerationService
from core.llm.types import LLMReply, MessageClient
from core.models.jobs import BatchItem, BatchJob
from core.models.logs import GenerationLog
from core.models.statuses import Call
from core.storage.database import Database
from core.storage.ports import Connection, JobQueue


class GenerationProcessor:
    def __init__(
        self, db: Database, jobs: JobQueue, generation: GenerationService, client: Callable[[], MessageClient]
    ) -> None:
        self.db = db
        self.jobs = jobs
        self.generation = generation
        self.client = client
        self._planners: dict[str | None, GenerationService] = {}
        self._llm: MessageClient | None = None
        self._llm_lock = threading.Lock()

    def llm(self) -> MessageClient:
        """The client, built once for all lanes (16 lanes starting together each built their own, with its
        own connection pool and TLS set-up). A missing key raises each time, failing the item with the fix."""
        if self._llm is None:
            with self._llm_lock:
                if self._llm is None:
                    self._llm = self.client()
        return self._llm

    def planner(self, owner: str | None) -> GenerationService:
        """Generation resolving scaffolding as ``owner`` sees it, through a view that keeps what it read for
        a few seconds (``core.batch.scaffolding_view``): every item of a job reads the same records."""
        found = self._planners.get(owner)
        if found is None:
            found = self._planners[owner] = self.generation.using(CachedScaffolding(self.generation.scaffolding, owner))
        return found

    def plan(self, job: BatchJob, item: BatchItem) -> GenerationPlan:
        """The request for ``item`` (shared with Message Batches mode)."""
        params: dict[str, Any] = item.parameters
        # Scaffolding as the job's owner sees it (shared + their own), never another user's.
        return self.planner(job.created_by).build_request(
            params["persona_key"],
            params["arc_key"],
            params["topic_key"],
            tier=job.tier,
            template_name=params.get("template_name") or job.shared_parameters.get("template_name"),
            temperature=job.shared_parameters.get("temperature"),
        )

    def adopt(self, item: BatchItem) -> ItemOutcome | None:
        """The outcome of an earlier attempt that stored its conversation, if there was one."""
        conversation_id = conversation_id_for(item)
        if self.db.conversations.find(conversation_id) is None:
            return None
        logs = self.db.logs.list(where={"conversation_id": conversation_id, "status": Call.SUCCESS})
        return ItemOutcome.success(
            conversation_id,
            cost_usd=sum(entry.cost_usd for entry in logs),
            input_tokens=sum(entry.input_tokens for entry in logs),
            output_tokens=sum(entry.output_tokens for entry in logs),
        )

    def prepare(self, job: BatchJob, item: BatchItem) -> PreparedItem:
        done = self.adopt(item) if item.attempts > 1 else None
        if done is not None:
            return PreparedItem(job, item, done=done)
        plan = self.plan(job, item)
        usage = plan.estimate.usage
        return PreparedItem(job, item, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens, payload=plan)

    def reserve(self, prepared: PreparedItem, conn: Connection) -> None:
        """Write the next call's ``sent`` row inside ``conn`` (the job's rate-limit admission)."""
        job, item = prepared.job, prepared.item
        prepared.extra["entry"] = self.generation.begin_call(
            prepared.payload,
            conversation_id=conversation_id_for(item),
            job_id=job.id,
            created_by=job.created_by,
            attempt=prepared.extra.get("attempt", 0),
            conn=conn,
        )

    def execute(self, prepared: PreparedItem) -> ItemOutcome:
        """One call: its ``sent`` log row first, then the call, then the fenced store of the result."""
        job, item, plan = prepared.job, prepared.item, prepared.payload
        entry = prepared.extra.pop("entry", None) or self.generation.begin_call(
            plan,
            conversation_id=conversation_id_for(item),
            job_id=job.id,
            created_by=job.created_by,
            attempt=prepared.extra.get("attempt", 0),
        )
        prepared.extra["attempt"] = prepared.extra.get("attempt", 0) + 1
        try:
            reply = self.llm().create_message(plan.request, max_retries=0)
        except LLMError as err:
            self.generation.fail_call(entry, err)
            raise
        return self.ingest(job, item, plan, reply, batch=False, entry=entry, ahead=prepared.extra.get("ahead"))

    def ingest(
        self,
        job: BatchJob,
        item: BatchItem,
        plan: GenerationPlan,
        reply: LLMReply,
        *,
        batch: bool,
        entry: GenerationLog | None = None,
        ahead: claims.ClaimAhead | None = None,
    ) -> ItemOutcome:
        """Store a reply (online or from a Message Batches result) and say how the item ended. The store is
        fenced by the item's claim: a worker whose lease was taken over gets a dropped outcome instead.
        With ``ahead``, the lane's next item is claimed in the same transaction (``ahead.found``)."""
        usage = reply.usage
        tokens = (usage.input_tokens + usage.cache_write_tokens, usage.output_tokens)
        cost = self.generation.reply_cost(plan, reply, batch=batch)
        stored = ItemOutcome.success(
            conversation_id_for(item), cost_usd=cost, input_tokens=tokens[0], output_tokens=tokens[1], charged=True
        )
        try:
            result = self.generation.ingest_reply(
                plan,
                reply,
                conversation_id=conversation_id_for(item),
                job_id=job.id,
                created_by=job.created_by,
                batch=batch,
                entry=entry,
                attempt=item.attempt_token,
                # The item is finished in the transaction that stores its conversation: that finish is the
                # fence (a worker whose claim was taken over stores nothing) and saves a transaction.
                guard=claims.finishing(self.jobs, item, stored),
                then=claims.claiming_ahead(self.jobs, job.id, ahead) if ahead is not None else None,
            )
        except LeaseLostError as err:
            if ahead is not None:
                ahead.found = None  # rolled back with the store
            return ItemOutcome.failure(err.message, charged=True, dropped=True)
        if result.ok:
            return replace(stored, finished=True)
        if ahead is not None:
            ahead.found = None  # the store was refused and rolled back: so was the claim
        return outcome_of(result, *tokens)

    def give_up(self, prepared: PreparedItem, error: LLMError) -> ItemOutcome:
        result = self.generation.record_call_error(
            prepared.payload,
            error,
            conversation_id=conversation_id_for(prepared.item),
            job_id=prepared.job.id,
            created_by=prepared.job.created_by,
            logged=prepared.extra.get("logged", True),
        )
        return outcome_of(result, 0, 0)


def outcome_of(result: GenerationResult, input_tokens: int, output_tokens: int) -> ItemOutcome:
    usage: dict[str, Any] = {
        "cost_usd": result.cost_usd,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "charged": True,
    }
    if result.ok:
        return ItemOutcome.success(result.conversation_id, **usage)
    failure_id = result.failure.id if result.failure is not None else None
    return ItemOutcome.failure(result.message, failure_id=failure_id, **usage)
