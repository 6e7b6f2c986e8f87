"""The call ledger: one ``generation_logs`` row per model call, written *before* the call and completed after.

A row starts as ``sent`` with the estimated usage and cost; completing it sets what the call really used and
cost. When the call belongs to a batch job, the job's ``cost_usd`` moves by the same amounts in the same
transaction (``cost_usd = cost_usd + delta``: concurrent workers never lose an update), so the job's spend
is every call ever made for it: failed and retried calls, results discarded after a lost lease, and calls
in flight when a worker died (their ``sent`` rows keep the estimate). Nothing ever subtracts spend except
the correction of an estimate once the real cost is known.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from core.errors import LLMError
from core.llm.calllog import call_log
from core.llm.retry import is_transient
from core.llm.types import LLMReply, MessageClient, MessageRequest
from core.models.base import utcnow
from core.models.logs import CallStatus, GenerationLog
from core.models.statuses import Call
from core.storage.ports import Connection, GenerationLogPort, Transactions


class CallLedger:
    """Call rows written through the ``GenerationLogPort`` (``log``), each in a transaction of ``transactions``."""

    def __init__(self, transactions: Transactions, log: GenerationLogPort) -> None:
        self.transactions = transactions
        self.log = log

    def call(
        self,
        client: MessageClient,
        request: MessageRequest,
        *,
        conversation_id: str | None,
        purpose: str,
        attempt: int,
        estimate_cost: float,
        max_retries: int,
        retry_delay: Callable[[int, float | None], float],
    ) -> tuple[LLMReply, GenerationLog]:
        """One call whose row is written ``sent`` before it goes out; transient errors are retried here (not inside
        the SDK), each retry with a row of its own. Returns the reply and its row, which the caller completes once it
        knows whether the answer was usable."""
        for retry in range(max_retries + 1):
            entry = self.begin(
                model=request.model,
                estimate_cost=estimate_cost,
                conversation_id=conversation_id,
                purpose=purpose,
                retry_attempt=attempt + retry,
                request_payload={"model": request.model, "prompt_chars": len(request.user_text), "attempt": attempt},
            )
            started = time.perf_counter()
            try:
                return client.create_message(request, max_retries=0), entry
            except LLMError as err:
                latency = round((time.perf_counter() - started) * 1000)
                self.complete(entry, reply=None, status=Call.FAILED, error_message=err.message, latency_ms=latency)
                if retry < max_retries and is_transient(err):
                    time.sleep(retry_delay(retry, err.retry_after))
                    continue
                raise
        raise AssertionError("not reached: the last attempt returns or raises")

    def begin(
        self,
        *,
        model: str,
        estimate_cost: float,
        estimate_tokens: tuple[int, int] = (0, 0),
        job_id: str | None = None,
        retry_attempt: int = 0,
        conn: Connection | None = None,
        **fields: Any,
    ) -> GenerationLog:
        """Write the ``sent`` row (and charge the job the estimate) before the call goes out."""
        entry = call_log(
            reply=None,
            model=model,
            job_id=job_id,
            status=Call.SENT,
            cost_usd=round(estimate_cost, 8),
            retry_attempt=retry_attempt,
            **fields,
        ).model_copy(update={"input_tokens": estimate_tokens[0], "output_tokens": estimate_tokens[1]})
        if conn is not None:
            self._insert(conn, entry)
        else:
            with self.transactions.transaction() as fresh:
                self._insert(fresh, entry)
        return entry

    def _insert(self, conn: Connection, entry: GenerationLog) -> None:
        self.log.insert(conn, entry)

    def complete(
        self,
        entry: GenerationLog,
        *,
        reply: LLMReply | None,
        status: CallStatus,
        cost: float = 0.0,
        conn: Connection | None = None,
        **fields: Any,
    ) -> GenerationLog:
        """Set what the call used and cost (and correct the job's spend by the difference)."""
        done = call_log(
            reply=reply,
            model=entry.model,
            latency_ms=fields.pop("latency_ms", 0),
            status=status,
            cost_usd=round(cost, 8),
            **fields,
        )
        values = done.model_dump(
            include={
                "model",
                "input_tokens",
                "output_tokens",
                "cache_read_tokens",
                "cache_write_tokens",
                "latency_ms",
                "stop_reason",
                "request_id",
                "status",
                "cost_usd",
                *fields,
            }
        )
        values["updated_at"] = utcnow()
        if conn is not None:
            self._update(conn, entry, values)
        else:
            with self.transactions.transaction() as fresh:
                self._update(fresh, entry, values)
        return entry.model_copy(update=values)

    def _update(self, conn: Connection, entry: GenerationLog, values: dict[str, Any]) -> None:
        self.log.complete(conn, entry, values)
