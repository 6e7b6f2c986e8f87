"""Batch jobs and their items (earlier-system.md §1.8–1.9, with real concurrency and leases)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.models.base import Record, Tier
from core.models.statuses import ClaimState, Item, ItemStatus, Job, JobStatus

Priority = Literal["low", "normal", "high"]
JobMode = Literal["online", "message_batches"]
ErrorHandling = Literal["stop", "continue"]


class BatchJob(Record):
    name: str = Field(min_length=1, max_length=255)
    job_type: str = "generation"
    status: JobStatus = Job.QUEUED
    priority: Priority = "normal"
    mode: JobMode = "online"
    tier: Tier | None = None
    total_items: int = 0
    completed_items: int = 0
    successful_items: int = 0
    failed_items: int = 0
    cancelled_items: int = 0
    concurrency: int = Field(default=4, ge=1, le=64)
    requests_per_minute: int | None = Field(default=None, ge=1)
    input_tokens_per_minute: int | None = Field(default=None, ge=1)
    output_tokens_per_minute: int | None = Field(default=None, ge=1)
    error_handling: ErrorHandling = "continue"
    budget_usd: float | None = Field(default=None, ge=0)
    cost_usd: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    shared_parameters: dict[str, Any] = Field(default_factory=dict)
    message_batch_ids: list[str] = Field(default_factory=list)
    stop_reason: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    #: Shared adaptive backoff (m0005): every worker of the job waits until then after frequent throttling.
    throttled_until: datetime | None = None


class BatchItem(Record):
    job_id: str
    position: int = Field(ge=1)
    status: ItemStatus = Item.QUEUED
    parameters: dict[str, Any] = Field(default_factory=dict)
    attempts: int = 0
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    conversation_id: str | None = None
    failure_id: str | None = None
    error_message: str | None = None
    cost_usd: float = 0.0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # Usage of the item's model call, summed into the job's counters (m0003).
    input_tokens: int = 0
    output_tokens: int = 0
    # Message Batches mode: the API batch this item was sent in (m0003).
    message_batch_id: str | None = None
    #: The fence of the current claim (m0005): set at each claim, checked in the transaction that stores
    #: the result, so a worker whose lease was taken over cannot store or finish the item.
    attempt_token: str | None = None
    #: Message Batches mode (m0005): the exact request sent and the scaffolding snapshot at submission.
    submitted_request: dict[str, Any] | None = None


LogLevel = Literal["info", "warning", "error"]


class BatchLogLine(Record):
    """One line of a job's log (m0003): what the runner did, readable by the Jobs page."""

    job_id: str
    item_id: str | None = None
    level: LogLevel = "info"
    message: str


class Claim(BaseModel):
    """What a claim found (``core.storage.jobqueue.claim``): items, or why there are none."""

    state: ClaimState
    items: list[BatchItem] = Field(default_factory=list)

    @property
    def item(self) -> BatchItem | None:
        return self.items[0] if self.items else None
