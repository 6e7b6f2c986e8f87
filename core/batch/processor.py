"""What working one item means, as a small protocol the runner drives.

``prepare`` does everything short of the model call (and may find the item already done by a worker that
died after storing its result); ``execute`` makes the call and stores the result, raising ``LLMError`` when
the call itself failed so the runner can back off and retry; ``give_up`` records a call failure for good.
The runner is tested with a deterministic processor; ``GenerationProcessor`` plugs in real generation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.errors import LLMError
from core.models.jobs import BatchItem, BatchJob
from core.models.statuses import Item, ItemEnd

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


@dataclass
class PreparedItem:
    """An item ready to call: its token estimate (for the rate limiter) and whatever ``execute`` needs.

    ``done`` is set when the item turned out to be finished already (nothing to call).
    """

    job: BatchJob
    item: BatchItem
    input_tokens: int = 0
    output_tokens: int = 0
    payload: Any = None
    done: ItemOutcome | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ItemProcessor(Protocol):
    def prepare(self, job: BatchJob, item: BatchItem) -> PreparedItem:
        """Build the request; a ``BrightRunError`` here fails the item without a call."""
        ...

    def execute(self, prepared: PreparedItem) -> ItemOutcome:
        """Call the model and store the result; raise ``LLMError`` if the call failed."""
        ...

    def give_up(self, prepared: PreparedItem, error: LLMError) -> ItemOutcome:
        """Record a call that failed for good (after retries) and say why."""
        ...
