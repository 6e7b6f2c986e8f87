"""What the batch engine needs from storage: ports (``core.storage.ports``), built once by the composition root
(``core.bootstrap``) and handed to the batch service, the runner, the Message Batches driver and the worker."""

from __future__ import annotations

from dataclasses import dataclass

from core.models.jobs import BatchItem, BatchJob
from core.storage.ports import BatchRows, ConversationRows, GenerationLogPort, JobQueue, Rows, Transactions


@dataclass(frozen=True)
class BatchStore:
    #: The unit of work: each change of a job is one transaction; ports take its ``conn``.
    transactions: Transactions
    #: Claims under a lease, finishing, giving back; the job's counters and end.
    queue: JobQueue
    #: The jobs and items as typed rows, and the jobs' log.
    rows: BatchRows
    #: One row per model call; what a job's rate limits count.
    calls: GenerationLogPort
    #: The stored conversations (an item whose conversation is stored already is adopted, not generated again).
    conversations: ConversationRows

    @property
    def jobs(self) -> Rows[BatchJob]:
        return self.rows.jobs

    @property
    def items(self) -> Rows[BatchItem]:
        return self.rows.items
