"""Conversations: the raw format Claude returns, and the stored record around it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.models.base import Record, Tier, new_id
from core.models.statuses import Enrichment, EnrichmentStatus, Processing, ProcessingStatus, Review, ReviewStatus


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmotionalContext(_Strict):
    primary_emotion: str = Field(min_length=1)
    secondary_emotion: str | None = None
    intensity: float = Field(ge=0.0, le=1.0)


class Turn(_Strict):
    turn_number: int = Field(ge=1)
    role: Literal["user", "assistant"]
    content: str = Field(min_length=1)
    emotional_context: EmotionalContext


class ConversationMetadata(_Strict):
    client_persona: str = Field(min_length=1)
    session_context: str = Field(min_length=1)
    conversation_phase: str = Field(min_length=1)
    expected_outcome: str | None = None


class RawConversation(_Strict):
    """What Claude returns through structured output (earlier-system.md §3.4)."""

    conversation_metadata: ConversationMetadata
    turns: list[Turn] = Field(min_length=2)


class InputParameters(BaseModel):
    """Which scaffolding produced a conversation (§3.5), written into its parsed file."""

    model_config = ConfigDict(extra="allow")

    persona_id: str = ""
    persona_key: str = ""
    persona_name: str = ""
    emotional_arc_id: str = ""
    emotional_arc_key: str = ""
    emotional_arc_name: str = ""
    training_topic_id: str = ""
    training_topic_key: str = ""
    training_topic_name: str = ""


Source = Literal["generated", "imported", "demo"]


class Conversation(Record):
    """One row of ``conversations``. ``conversation_id`` is the one id used everywhere."""

    conversation_id: str = Field(default_factory=new_id)
    conversation_name: str = "Untitled Conversation"
    source: Source = "generated"
    source_hash: str | None = None
    job_id: str | None = None

    expert_profile_id: str | None = None
    persona_id: str | None = None
    emotional_arc_id: str | None = None
    training_topic_id: str | None = None
    template_id: str | None = None
    persona_key: str | None = None
    emotional_arc_key: str | None = None
    topic_key: str | None = None
    tier: Tier = "template"
    category: str | None = None
    turn_count: int = 0

    quality_score: float | None = None
    empathy_score: float | None = None
    clarity_score: float | None = None
    appropriateness_score: float | None = None
    brand_voice_alignment: float | None = None
    quality_details: dict[str, Any] | None = None

    review_status: ReviewStatus = Review.PENDING
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    review_notes: str | None = None

    processing_status: ProcessingStatus = Processing.QUEUED
    raw_response_path: str | None = None
    raw_response_size: int | None = None
    raw_stored_at: datetime | None = None
    parse_attempts: int = 0
    parse_method_used: str | None = None
    parse_error_message: str | None = None
    requires_manual_review: bool = False
    is_truncated: bool = False
    truncation_pattern: str | None = None
    file_path: str | None = None
    file_size: int | None = None

    enrichment_status: EnrichmentStatus = Enrichment.NOT_STARTED
    validation_report: dict[str, Any] | None = None
    enriched_file_path: str | None = None
    enriched_file_size: int | None = None
    enriched_at: datetime | None = None
    enrichment_version: str = "v2.0"
    enrichment_error: str | None = None

    starting_emotion: str | None = None
    ending_emotion: str | None = None
    emotional_intensity_start: float | None = None
    emotional_intensity_end: float | None = None

    input_parameters: dict[str, Any] | None = None
    scaffolding_snapshot: dict[str, Any] | None = None
    search_text: str = ""
    is_active: bool = True
    #: Optimistic concurrency (m0005): every write of the file or of enrichment/review fields checks the
    #: version it read and adds one, so two writers cannot silently overwrite each other.
    row_version: int = 1
    #: The conversation this one is a new attempt at (Regenerate); that one is archived, not deleted (m0010).
    regenerated_from: str | None = None


class ConversationHeading(BaseModel):
    """What names a conversation in a list (``core.names.Names.conversation``) and its enrichment state: a
    conversation row read without its reports, scores, files or search text (pages listing every conversation
    of a project read these, a few columns each, instead of whole rows)."""

    conversation_id: str
    conversation_name: str = "Untitled Conversation"
    persona_key: str | None = None
    emotional_arc_key: str | None = None
    topic_key: str | None = None
    input_parameters: dict[str, Any] | None = None
    enrichment_status: EnrichmentStatus = Enrichment.NOT_STARTED
    enrichment_error: str | None = None
