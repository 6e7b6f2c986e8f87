"""The enriched conversation format (``reference/enriched-conversation.json``), as pydantic models.

Normalization validates every file we write against ``EnrichedConversation``; extra keys are allowed
so files of the earlier system (which carry a few more) read with the same models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class DatasetMetadata(_Open):
    dataset_name: str
    version: str
    created_date: str
    vertical: str
    consultant_persona: str
    target_use: str
    conversation_source: str
    quality_tier: str
    total_conversations: int
    total_turns: int
    notes: str


class CommunicationStyle(_Open):
    tone: str
    techniques: list[str]
    avoid: list[str]


class ConsultantProfile(_Open):
    name: str
    business: str
    expertise: str
    years_experience: int
    core_philosophy: dict[str, str]
    communication_style: CommunicationStyle


class PairMetadata(_Open):
    client_persona: str
    client_background: str
    session_context: str
    conversation_phase: str
    expected_outcome: str
    persona_archetype: str | None = None
    emotional_arc: str | None = None
    emotional_arc_key: str | None = None
    training_topic: str | None = None
    training_topic_key: str | None = None


class HistoryTurn(_Open):
    turn: int
    role: str
    content: str
    emotional_state: dict[str, Any]


class DetectedEmotions(_Open):
    primary: str
    primary_confidence: float | None = None
    secondary: str | None = None
    secondary_confidence: float | None = None
    intensity: float
    valence: str


class PairEmotions(_Open):
    detected_emotions: DetectedEmotions


class TrainingMetadata(_Open):
    difficulty_level: str
    key_learning_objective: str
    demonstrates_skills: list[str]
    conversation_turn: int
    emotional_progression_target: str
    quality_score: float
    quality_criteria: dict[str, float | None]
    human_reviewed: bool
    reviewer_notes: str | None
    use_as_seed_example: bool
    generate_variations_count: int


class TrainingPair(_Open):
    id: str
    conversation_id: str
    turn_number: int
    conversation_metadata: PairMetadata
    system_prompt: str
    conversation_history: list[HistoryTurn]
    current_user_input: str
    emotional_context: PairEmotions
    target_response: str | None
    training_metadata: TrainingMetadata


class EnrichedConversation(_Open):
    dataset_metadata: DatasetMetadata
    consultant_profile: ConsultantProfile
    training_pairs: list[TrainingPair] = Field(min_length=1)
    input_parameters: dict[str, Any] | None = None
