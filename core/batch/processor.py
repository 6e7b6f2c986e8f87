"""What working one item means, as a small protocol the runner drives.

``prepare`` does everything short of the model call, or finds the item already done (a worker died after
storing its result) and returns that outcome; ``reserve`` writes the call's log row inside the transaction
that admits it under the job's rate limits; ``execute`` makes the call and stores the result, raising
``LLMError`` when the call itself failed so the runner can back off and retry; ``give_up`` records a call
failure for good. Every answer is an ``ItemOutcome`` the runner acts on: finish the item, or take the next
claim that was made where the item finished.

The runner is tested with a deterministic processor; ``GenerationProcessor`` plugs in real generation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from core.errors import LLMError
from core.models.jobs import BatchItem, BatchJob, Claim
from core.models.statuses import Item, ItemEnd
from core.storage.ports import Connection

_NAMESPACE = uuid.UUID("5b1e0a52-6f0e-4c8c-9a51-2f3d6e1c7a10")


def conversation_id_for(item: BatchItem) -> str:
    """The conversation id an item's result gets: fixed per item, so a retried item cannot store twice."""
    return str(uuid.uuid5(_NAMESPACE, item.id))


@dataclass(frozen=True)
class ItemOutcome:
    """How an item ended: a stored conversation, or a failure with its reason."""

    status: ItemEnd
    conversation_id: str | None = None
    failure_id: str | None = None
    error_message: str | None = None
    cost_usd: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    #: True when the call ledger already charged ``cost_usd`` to the job (real generation logs every call);
    #: otherwise finishing the item charges it.
    charged: bool = False
    #: The worker lost its claim before storing: the result was dropped (finishing will refuse it).
    dropped: bool = False
    #: The item was already finished in the transaction that stored its result (nothing left to finish).
    finished: bool = False
    #: The lane's next claim, made in that same transaction (``execute`` with a ``ClaimAhead``).
    next_claim: Claim | None = None

    @classmethod
    def success(cls, conversation_id: str, **usage: Any) -> ItemOutcome:
        return cls(Item.COMPLETED, conversation_id=conversation_id, **usage)

    @classmethod
    def failure(cls, message: str, **extra: Any) -> ItemOutcome:
        return cls(Item.FAILED, error_message=message, **extra)

    @classmethod
    def cancelled(cls, message: str) -> ItemOutcome:
        """Never answered: its job was cancelled before Claude wrote it (it costs nothing)."""
        return cls(Item.CANCELLED, error_message=message)


@dataclass(frozen=True)
class ClaimAhead:
    """A lane's wish to claim its next item (as ``owner``, under a ``lease_s`` lease) in the transaction that
    finishes its current one: one transaction per item fewer."""

    owner: str
    lease_s: float


@dataclass
class PreparedItem:
    """An item ready to call, with its token estimate (for the rate limiter). Processors extend it with
    what their ``execute`` needs (``GenerationItem``: the request and its log row)."""

    job: BatchJob
    item: BatchItem
    input_tokens: int = 0
    output_tokens: int = 0


P = TypeVar("P", bound=PreparedItem)


class ItemProcessor(Protocol[P]):
    def prepare(self, job: BatchJob, item: BatchItem) -> P | ItemOutcome:
        """Build the request, or the outcome the item already has; a ``BrightRunError`` fails the item."""
        ...

    def reserve(self, prepared: P, conn: Connection) -> None:
        """Write the next call's log row inside ``conn``, the transaction that admitted it under the job's rate
        limits across its workers (which count those rows)."""
        ...

    def execute(self, prepared: P, ahead: ClaimAhead | None = None) -> ItemOutcome:
        """Call the model and store the result; raise ``LLMError`` if the call failed. With ``ahead``, a
        processor that finishes the item where it stores the result claims the lane's next item there
        (``ItemOutcome.next_claim``)."""
        ...

    def give_up(self, prepared: P, error: LLMError) -> ItemOutcome:
        """Record a call that failed for good (after retries) and say why."""
        ...
