"""The real item processor: one conversation per item through the generation service's split steps.

The conversation id is fixed per item (``conversation_id_for``), so when a worker dies after storing a
conversation but before marking its item, the next claim finds the conversation and adopts it instead of
generating a duplicate. Calls go out with the SDK's own retries off: the runner backs off and retries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from core.batch.processor import ClaimAhead, ItemOutcome, PreparedItem, conversation_id_for
from core.batch.scaffolding_view import CachedScaffolding
from core.batch.store import BatchStore
from core.errors import LeaseLostError, LLMError
from core.generation.plan import GenerationPlan, GenerationResult
from core.generation.service import GenerationService
from core.llm.types import LLMReply, MessageClient
from core.models.jobs import BatchItem, BatchJob, Claim
from core.models.logs import GenerationLog
from core.storage.ports import Connection, JobQueue


@dataclass(kw_only=True)
class GenerationItem(PreparedItem):
    """An item ready for its generation call."""

    plan: GenerationPlan
    #: The next call's ``sent`` log row, written where the job's rate limits admitted the call (``reserve``).
    entry: GenerationLog | None = None
    #: Calls made for the item in this claim so far (each call's row records its number).
    calls: int = 0
    #: Whether a call that failed has its log row already (a Message Batches result that errored before its
    #: row was written at submission has none).
    logged: bool = True


@dataclass
class ItemFence:
    """An item's claim over the store of its result (``core.generation.recording.StoreFence``): the item is
    finished in the transaction that stores its conversation. That finish is the fence (a worker whose
    claim was taken over stores nothing) and saves a transaction; with ``ahead`` the lane's next item is
    claimed last in that transaction (``next_claim``, valid once it has committed)."""

    queue: JobQueue
    item: BatchItem
    outcome: ItemOutcome
    ahead: ClaimAhead | None = None
    next_claim: Claim | None = None

    @property
    def attempt(self) -> str | None:
        return self.item.attempt_token

    def check(self, conn: Connection) -> None:
        if not self.queue.finish(self.item, self.item.lease_owner or "", self.outcome, conn=conn):
            raise LeaseLostError(
                f"Item {self.item.position} was claimed again by another worker; this result is dropped."
            )

    def stored(self, conn: Connection) -> None:
        if self.ahead is not None:
            self.next_claim = self.queue.claim(
                self.item.job_id, self.ahead.owner, n=1, lease_s=self.ahead.lease_s, conn=conn
            )


class GenerationProcessor:
    def __init__(self, store: BatchStore, generation: GenerationService, client: Callable[[], MessageClient]) -> None:
        self.store = store
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
        if self.store.conversations.find(conversation_id) is None:
            return None
        logs = self.store.calls.successful_calls(conversation_id)
        return ItemOutcome.success(
            conversation_id,
            cost_usd=sum(entry.cost_usd for entry in logs),
            input_tokens=sum(entry.input_tokens for entry in logs),
            output_tokens=sum(entry.output_tokens for entry in logs),
        )

    def prepare(self, job: BatchJob, item: BatchItem) -> GenerationItem | ItemOutcome:
        done = self.adopt(item) if item.attempts > 1 else None
        if done is not None:
            return done
        plan = self.plan(job, item)
        usage = plan.estimate.usage
        return GenerationItem(
            job=job, item=item, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens, plan=plan
        )

    def _begin(self, prepared: GenerationItem, conn: Connection | None = None) -> GenerationLog:
        job = prepared.job
        return self.generation.begin_call(
            prepared.plan,
            conversation_id=conversation_id_for(prepared.item),
            job_id=job.id,
            created_by=job.created_by,
            attempt=prepared.calls,
            conn=conn,
        )

    def reserve(self, prepared: GenerationItem, conn: Connection) -> None:
        """Write the next call's ``sent`` row inside ``conn`` (the job's rate-limit admission)."""
        prepared.entry = self._begin(prepared, conn)

    def execute(self, prepared: GenerationItem, ahead: ClaimAhead | None = None) -> ItemOutcome:
        """One call: its ``sent`` log row first, then the call, then the fenced store of the result."""
        entry = prepared.entry or self._begin(prepared)
        prepared.entry = None
        prepared.calls += 1
        try:
            reply = self.llm().create_message(prepared.plan.request, max_retries=0)
        except LLMError as err:
            self.generation.fail_call(entry, err)
            raise
        return self.ingest(prepared.job, prepared.item, prepared.plan, reply, batch=False, entry=entry, ahead=ahead)

    def ingest(
        self,
        job: BatchJob,
        item: BatchItem,
        plan: GenerationPlan,
        reply: LLMReply,
        *,
        batch: bool,
        entry: GenerationLog | None = None,
        ahead: ClaimAhead | None = None,
    ) -> ItemOutcome:
        """Store a reply (online or from a Message Batches result) and say how the item ended. The store is
        fenced by the item's claim (``ItemFence``): a worker whose lease was taken over gets a dropped outcome
        instead. With ``ahead``, the outcome carries the lane's next claim, made in the same transaction."""
        usage = reply.usage
        tokens = (usage.input_tokens + usage.cache_write_tokens, usage.output_tokens)
        cost = self.generation.reply_cost(plan, reply, batch=batch)
        stored = ItemOutcome.success(
            conversation_id_for(item), cost_usd=cost, input_tokens=tokens[0], output_tokens=tokens[1], charged=True
        )
        fence = ItemFence(self.store.queue, item, stored, ahead)
        try:
            result = self.generation.ingest_reply(
                plan,
                reply,
                conversation_id=conversation_id_for(item),
                job_id=job.id,
                created_by=job.created_by,
                batch=batch,
                entry=entry,
                fence=fence,
            )
        except LeaseLostError as err:  # rolled back with the store, and so was the claim ahead
            return ItemOutcome.failure(err.message, charged=True, dropped=True)
        if result.ok:
            return replace(stored, finished=True, next_claim=fence.next_claim)
        return outcome_of(result, *tokens)  # the store was refused and rolled back: so was the claim ahead

    def give_up(self, prepared: GenerationItem, error: LLMError) -> ItemOutcome:
        result = self.generation.record_call_error(
            prepared.plan,
            error,
            conversation_id=conversation_id_for(prepared.item),
            job_id=prepared.job.id,
            created_by=prepared.job.created_by,
            logged=prepared.logged,
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
