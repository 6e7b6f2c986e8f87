"""Scaffolding: who the expert is, who the client is, how they feel, what they ask about, how we prompt.

Field names follow the earlier system (``earlier-system.md`` §1.3–1.6) so its data imports unchanged.
List fields that were ``TEXT[]`` there are JSON lists here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator

from core.models.base import TIERS, Record, SnakeKey, Tier, Unit

__all__ = ["TIERS", "Tier"]  # defined with the shared pieces (conversations and jobs carry a tier too)
Complexity = Literal["beginner", "intermediate", "advanced"]
ArcCategory = Literal["core", "edge"]


class ExpertProfile(Record):
    """The consultant whose voice the model is trained to speak in."""

    profile_key: SnakeKey
    name: str = Field(min_length=1, max_length=255)
    business: str = ""
    expertise: str = ""
    years_experience: int = Field(default=0, ge=0, le=80)
    vertical: SnakeKey = "general_consulting"
    principles: list[str] = Field(default_factory=list)
    tone: str = "warm, professional, never condescending"
    techniques: list[str] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)
    is_active: bool = True
    #: Set when a person deletes the record (soft delete, undoable); deleted records are left out of lists.
    deleted_at: datetime | None = None

    @property
    def key(self) -> str:
        return self.profile_key

    def consultant_profile(self) -> dict[str, object]:
        """The ``consultant_profile`` block of enriched and training files."""
        return {
            "name": self.name,
            "business": self.business,
            "expertise": self.expertise,
            "years_experience": self.years_experience,
            "core_philosophy": {f"principle_{i}": p for i, p in enumerate(self.principles, start=1)},
            "communication_style": {
                "tone": self.tone,
                "techniques": list(self.techniques),
                "avoid": list(self.avoid),
            },
        }


#: The earlier system's financial client fields that are now custom fields (kept in ``demographics``).
RETIRED_PERSONA_FIELDS = ("income_range",)


class Persona(Record):
    """A client: who is asking, their situation and background, what they want, and how they talk.

    The general fields suit any field of work; anything else a project tracks about its clients is a custom
    field (``demographics``: name -> text). ``financial_background`` / ``financial_situation`` keep the earlier
    system's column names but hold a client's background and situation in any field. ``income_range`` is read
    from old files and moved into the custom fields.
    """

    persona_key: SnakeKey
    name: str = Field(min_length=1, max_length=255)
    archetype: str = Field(min_length=1, max_length=255)
    age_range: str | None = None
    occupation: str | None = None
    income_range: str | None = None
    demographics: dict[str, str] = Field(default_factory=dict)
    financial_background: str | None = None
    financial_situation: str | None = None
    #: What the client wants from the conversation.
    goals: str | None = None
    communication_style: str | None = None
    emotional_baseline: str | None = None
    typical_questions: list[str] = Field(default_factory=list)
    common_concerns: list[str] = Field(default_factory=list)
    language_patterns: list[str] = Field(default_factory=list)
    is_active: bool = True
    deleted_at: datetime | None = None
    usage_count: int = 0

    @property
    def key(self) -> str:
        return self.persona_key

    @field_validator("demographics", mode="before")
    @classmethod
    def _demographics_as_text(cls, value: object) -> object:
        # The earlier system stored numbers too ("age": 37); we keep every value as text.
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items() if v is not None}
        return value

    @model_validator(mode="before")
    @classmethod
    def _retired_fields_become_custom(cls, data: object) -> object:
        """An old file's (or row's) ``income_range`` becomes the custom field of that name."""
        if isinstance(data, dict):
            for name in RETIRED_PERSONA_FIELDS:
                if data.get(name):
                    custom = dict(data.get("demographics") or {})
                    custom.setdefault(name, data[name])
                    data = {**data, "demographics": custom, name: None}
        return data


class EmotionalArc(Record):
    """The emotional journey of a conversation, from a starting to an ending emotion."""

    arc_key: SnakeKey
    name: str = Field(min_length=1, max_length=255)
    starting_emotion: str = Field(min_length=1, max_length=100)
    ending_emotion: str = Field(min_length=1, max_length=100)
    starting_intensity_min: Unit = 0.6
    starting_intensity_max: Unit = 0.9
    ending_intensity_min: Unit = 0.3
    ending_intensity_max: Unit = 0.6
    arc_strategy: str = ""
    key_principles: list[str] = Field(default_factory=list)
    characteristic_phrases: list[str] = Field(default_factory=list)
    response_techniques: list[str] = Field(default_factory=list)
    avoid_tactics: list[str] = Field(default_factory=list)
    typical_turn_count_min: int = Field(default=4, ge=2, le=40)
    typical_turn_count_max: int = Field(default=8, ge=2, le=40)
    complexity_baseline: int = Field(default=5, ge=1, le=10)
    tier: Tier = "template"
    conversation_category: ArcCategory = "core"
    suitable_personas: list[str] = Field(default_factory=list)
    suitable_topics: list[str] = Field(default_factory=list)
    is_active: bool = True
    deleted_at: datetime | None = None
    usage_count: int = 0

    @property
    def key(self) -> str:
        return self.arc_key

    @model_validator(mode="after")
    def _ranges_are_ordered(self) -> Self:
        pairs = [
            ("starting_intensity", self.starting_intensity_min, self.starting_intensity_max),
            ("ending_intensity", self.ending_intensity_min, self.ending_intensity_max),
            ("typical_turn_count", self.typical_turn_count_min, self.typical_turn_count_max),
        ]
        for name, low, high in pairs:
            if low > high:
                raise ValueError(f"{name}_min ({low}) must not be greater than {name}_max ({high})")
        return self

    @property
    def target_turn_count(self) -> int:
        """The middle of the typical range, rounded up (as the earlier resolver did)."""
        return -(-(self.typical_turn_count_min + self.typical_turn_count_max) // 2)


class TrainingTopic(Record):
    """What the conversation is about."""

    topic_key: SnakeKey
    name: str = Field(min_length=1, max_length=255)
    category: str = "general"
    description: str = ""
    complexity_level: Complexity = "intermediate"
    typical_question_examples: list[str] = Field(default_factory=list)
    key_concepts: list[str] = Field(default_factory=list)
    suitable_personas: list[str] = Field(default_factory=list)
    suitable_emotional_arcs: list[str] = Field(default_factory=list)
    requires_specialist: bool = False
    is_active: bool = True
    deleted_at: datetime | None = None
    usage_count: int = 0

    @property
    def key(self) -> str:
        return self.topic_key


class PromptTemplate(Record):
    """A Jinja2 generation prompt for one emotional arc and tier."""

    template_name: str = Field(min_length=1, max_length=255)
    description: str = ""
    category: str = "general"
    tier: Tier = "template"
    emotional_arc_type: str = Field(min_length=1, description="the arc_key this template is written for")
    template_text: str = Field(min_length=1)
    structure: str = ""
    suitable_personas: list[str] = Field(default_factory=list)
    suitable_topics: list[str] = Field(default_factory=list)
    methodology_principles: list[str] = Field(default_factory=list)
    quality_threshold: float = Field(default=4.5, ge=1.0, le=5.0)
    rating: float | None = Field(default=None, ge=0.0, le=5.0)
    version: int = 1
    is_active: bool = True
    deleted_at: datetime | None = None
    usage_count: int = 0

    @property
    def key(self) -> str:
        return self.template_name


Scaffolding = ExpertProfile | Persona | EmotionalArc | TrainingTopic | PromptTemplate
