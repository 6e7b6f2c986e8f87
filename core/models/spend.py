"""What the cost view and the status counts read: the cost columns of one logged call, and conversation counts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class SpendRow(BaseModel):
    """The cost columns of one ``generation_logs`` row (never its payloads)."""

    created_at: datetime
    model: str
    purpose: str
    job_id: str | None
    template_id: str | None
    conversation_id: str | None
    cost_usd: float
    is_demo: bool = False


class ConversationCounts(BaseModel):
    """The active conversations of a project counted per status (only the values present), read at one moment."""

    conversations: int = 0
    processing_status: dict[str, int] = Field(default_factory=dict)
    enrichment_status: dict[str, int] = Field(default_factory=dict)
    review_status: dict[str, int] = Field(default_factory=dict)
    failed_generations: int = 0
    truncated: int = 0
