"""Recording what a model call did: its log row (written before the call, completed after), the stored
conversation (fenced for batch items) or the failure record and report, and scaffolding usage counts.

``GenerationService`` builds requests and calls Claude; this half records results, so the batch runner and
the Message Batches driver record exactly as single generation does.
"""

from __future__ import annotations

import traceback
from typing import Any, Protocol

from core.calls import CallLedger
from core.conversations.store import ConversationStore
from core.errors import BrightRunError, LeaseLostError, LLMError
from core.generation.checks import check_reply
from core.generation.failures import FailureInfo, record_failure
from core.generation.plan import GenerationPlan, GenerationResult
from core.llm.pricing import cost_usd
from core.llm.redact import redact
from core.llm.types import LLMReply
from core.models.base import new_id
from core.models.logs import CallStatus, FailedGeneration, GenerationLog
from core.models.statuses import Call, call_status
from core.settings import Settings
from core.storage.ports import Connection, FailureWriter
from core.storage.ports.blobs import BlobStore


class StoreFence(Protocol):
    """A batch item's claim over the store of its result (``core.batch.generation_processor.ItemFence``)."""

    @property
    def attempt(self) -> str | None:
        """The claim's token: the files of this attempt go to paths of their own."""
        ...

    def check(self, conn: Connection) -> None:
        """First in the transaction that stores the conversation: raise ``LeaseLostError`` when the claim was
        taken over (the whole store is then refused)."""
        ...

    def stored(self, conn: Connection) -> None:
        """Last in that transaction, once the call's real cost is charged."""
        ...


class GenerationRecorder:
    def __init__(
        self,
        failures: FailureWriter,
        blobs: BlobStore,
        conversations: ConversationStore,
        settings: Settings,
        calls: CallLedger,
    ) -> None:
        #: Where a failed generation's record goes (its report goes to ``blobs``).
        self.failures = failures
        self.blobs = blobs
        self.conversations = conversations
        self.settings = settings
        #: Each call's row, written before it goes out (built once by the composition root).
        self.calls = calls

    # -- step 2: the call's log row, written before the call ------------------------------------------
    def begin_call(
        self,
        plan: GenerationPlan,
        *,
        conversation_id: str,
        job_id: str | None = None,
        created_by: str | None = None,
        attempt: int = 0,
        batch: bool = False,
        conn: Connection | None = None,
    ) -> GenerationLog:
        """The ``sent`` row of one call (its estimate counts toward the job's spend until it completes)."""
        usage = plan.estimate.usage
        estimate = cost_usd(plan.request.model, usage, self.settings.prices_per_mtok, batch=batch)
        return self.calls.begin(
            model=plan.request.model,
            estimate_cost=estimate,
            estimate_tokens=(usage.input_tokens, usage.output_tokens),
            job_id=job_id,
            retry_attempt=attempt,
            conversation_id=conversation_id,
            template_id=plan.template.id,
            created_by=created_by,
            request_payload=plan.request_payload(),
            conn=conn,
        )

    def fail_call(self, entry: GenerationLog, err: LLMError, *, latency_ms: int = 0) -> None:
        """Complete a call's row as failed (refused calls cost nothing)."""
        self.calls.complete(
            entry,
            reply=None,
            status=call_status(err.code),
            latency_ms=latency_ms,
            error_message=err.message,
            error_code=err.code,
            request_id=err.request_id,
        )

    # -- step 3a: a reply --------------------------------------------------------------------------
    def ingest_reply(
        self,
        plan: GenerationPlan,
        reply: LLMReply,
        *,
        conversation_id: str | None = None,
        job_id: str | None = None,
        created_by: str | None = None,
        batch: bool = False,
        entry: GenerationLog | None = None,
        fence: StoreFence | None = None,
    ) -> GenerationResult:
        """Complete the call's log row, run the fail-fast checks, then store the conversation or the failure.

        ``fence`` holds a batch item's claim over the store (see ``ConversationStore.ingest``): when it
        refuses, the files this attempt wrote are removed, the spend stays recorded, and ``LeaseLostError`` is
        raised for the caller to drop the result quietly.
        """
        conversation_id = conversation_id or new_id()
        cost = self.reply_cost(plan, reply, batch=batch)
        problem = check_reply(reply)
        conversation = None
        logged = False
        if problem is None:

            def store_steps(conn: Connection) -> None:
                """In the transaction that stores the conversation: the caller's guard, the call's row
                completed and the usage counts, so the conversation, its cost and its counts land together."""
                if fence is not None:
                    fence.check(conn)
                if entry is not None:
                    self.calls.complete(entry, reply=reply, cost=cost, conn=conn, **_fields(reply, None))
                self._count_usage(plan, conn)
                if fence is not None:
                    fence.stored(conn)  # last: it sees the call's real cost, not its estimate

            try:
                conversation = self.conversations.ingest(
                    reply.text,
                    plan.provenance(),
                    source="generated",
                    conversation_id=conversation_id,
                    created_by=created_by,
                    job_id=job_id,
                    attempt=fence.attempt if fence else None,
                    guard=store_steps,
                )
                logged = entry is not None
            except LeaseLostError as err:
                self._log(
                    plan,
                    conversation_id,
                    job_id,
                    created_by,
                    reply=reply,
                    cost=cost,
                    entry=entry,
                    problem=FailureInfo("api_error", f"Result dropped: {err.message}"),
                    status=Call.SUCCESS,
                )
                raise
            except BrightRunError as err:  # e.g. the same conversation already exists
                problem = FailureInfo("validation_error", f"The conversation could not be stored: {err.message}")
        if not logged:
            self._log(plan, conversation_id, job_id, created_by, reply=reply, cost=cost, problem=problem, entry=entry)
        if problem is not None:
            failure = self._fail(plan, problem, reply, conversation_id, job_id, created_by)
            return GenerationResult(conversation_id, failure=failure, cost_usd=cost, latency_ms=reply.latency_ms)
        return GenerationResult(conversation_id, conversation=conversation, cost_usd=cost, latency_ms=reply.latency_ms)

    def reply_cost(self, plan: GenerationPlan, reply: LLMReply, *, batch: bool) -> float:
        """What a reply cost (at the Message Batches rate when ``batch``)."""
        return cost_usd(reply.model or plan.request.model, reply.usage, self.settings.prices_per_mtok, batch=batch)

    # -- step 3b: a call that failed ------------------------------------------------------------------
    def record_call_error(
        self,
        plan: GenerationPlan,
        err: LLMError,
        *,
        conversation_id: str | None = None,
        job_id: str | None = None,
        created_by: str | None = None,
        latency_ms: int = 0,
        logged: bool = True,
    ) -> GenerationResult:
        """The failure record of a call that failed for good; ``logged=False`` also writes its log row
        (a Message Batches result that errored has no row of its own yet)."""
        conversation_id = conversation_id or new_id()
        key = self.settings.anthropic_api_key.get_secret_value() if self.settings.anthropic_api_key else None
        stack = redact("".join(traceback.format_exception(err, limit=5)), key)
        problem = FailureInfo("api_error", redact(err.message, key), details=err.code, stack=stack)
        if not logged:
            status = call_status(err.code)
            self._log(
                plan,
                conversation_id,
                job_id,
                created_by,
                reply=None,
                problem=problem,
                error=err,
                status=status,
                latency_ms=latency_ms,
            )
        failure = self._fail(plan, problem, None, conversation_id, job_id, created_by)
        return GenerationResult(conversation_id, failure=failure, error=err, latency_ms=latency_ms)

    # -- helpers ---------------------------------------------------------------------------------------
    def _fail(
        self,
        plan: GenerationPlan,
        info: FailureInfo,
        reply: LLMReply | None,
        conversation_id: str,
        job_id: str | None,
        created_by: str | None,
    ) -> FailedGeneration:
        return record_failure(
            self.failures,
            self.blobs,
            info=info,
            request=plan.request,
            reply=reply,
            ids=plan.ids(),
            conversation_id=conversation_id,
            job_id=job_id,
            created_by=created_by,
        )

    def _log(
        self,
        plan: GenerationPlan,
        conversation_id: str,
        job_id: str | None,
        created_by: str | None,
        *,
        reply: LLMReply | None,
        problem: FailureInfo | None,
        cost: float = 0.0,
        error: LLMError | None = None,
        status: CallStatus | None = None,
        latency_ms: int = 0,
        entry: GenerationLog | None = None,
    ) -> None:
        """Complete the call's ``sent`` row, or write a finished row for a call that had none."""
        fields = _fields(reply, problem, error=error, status=status, latency_ms=latency_ms)
        if entry is None:
            entry = self.begin_call(
                plan,
                conversation_id=conversation_id,
                job_id=job_id,
                created_by=created_by,
                attempt=reply.retries if reply else 0,
            )
        self.calls.complete(entry, reply=reply, cost=cost, **fields)

    def _count_usage(self, plan: GenerationPlan, conn: Connection) -> None:
        """Add 1 to the usage count of the persona, arc, topic and template (in SQL, so concurrent
        generations never lose a count)."""
        self.calls.log.count_use(conn, plan.persona.id, plan.arc.id, plan.topic.id, plan.template.id)


def _fields(
    reply: LLMReply | None,
    problem: FailureInfo | None,
    *,
    error: LLMError | None = None,
    status: CallStatus | None = None,
    latency_ms: int = 0,
) -> dict[str, Any]:
    """The columns that complete a call's row: its status, error and response summary."""
    fields: dict[str, Any] = {
        "status": status or (Call.FAILED if problem else Call.SUCCESS),
        "error_message": problem.message if problem else None,
        "error_code": (error.code if error else problem.failure_type) if problem else None,
        "response_payload": reply.summary() if reply else None,
        "latency_ms": latency_ms,
    }
    if reply is None and error is not None:
        fields["request_id"] = error.request_id
    return fields
