"""Training files: aggregated, approved conversations ready for a trainer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from core.models.base import Record, utcnow
from core.models.statuses import TrainingFileState, TrainingFileStatus


class TrainingFile(Record):
    name: str = Field(min_length=1, max_length=255)
    description: str | None = None
    storage_bucket: str = "training-files"
    json_file_path: str = ""
    jsonl_file_path: str = ""
    conversation_count: int = 0
    total_training_pairs: int = 0
    json_file_size: int | None = None
    jsonl_file_size: int | None = None
    avg_quality_score: float | None = None
    min_quality_score: float | None = None
    max_quality_score: float | None = None
    human_reviewed_count: int = 0
    scaffolding_distribution: dict[str, Any] = Field(default_factory=dict)
    status: TrainingFileStatus = TrainingFileState.ACTIVE
    last_updated_at: datetime = Field(default_factory=utcnow)


class TrainingFileConversation(Record):
    training_file_id: str
    conversation_id: str
    added_by: str | None = None
