"""Failed generations as the Failed generations page lists them: filters, one row, one page."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from core.models.logs import FailureType

FILTER_COLUMNS = ("failure_type", "stop_reason", "truncation_pattern", "job_id")


class FailureFilters(BaseModel):
    failure_type: list[FailureType] = Field(default_factory=list)
    stop_reason: list[str] = Field(default_factory=list)
    truncation_pattern: list[str] = Field(default_factory=list)
    job_id: list[str] = Field(default_factory=list)


class FailureRow(BaseModel):
    id: str
    created_at: datetime
    failure_type: str
    stop_reason: str | None
    truncation_pattern: str | None
    job_id: str | None
    model: str
    output_tokens: int
    error_message: str | None


class FailurePage(BaseModel):
    rows: list[FailureRow]
    total: int
    page: int
    page_size: int
