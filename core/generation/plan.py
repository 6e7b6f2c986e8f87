"""What one generation is (the plan: scaffolding, prompts, request, estimate) and what came of it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from core.conversations.store import Provenance
from core.generation.template_selection import RankedTemplate
from core.llm.claude import strict_json_schema
from core.llm.types import LLMUsage, MessageRequest
from core.models.base import utcnow
from core.models.conversation import Conversation, RawConversation
from core.models.logs import FailedGeneration
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, Tier, TrainingTopic
from core.scaffolding.compatibility import Compatibility

SCAFFOLDING_VERSION = "1.0"


@cache
def conversation_schema() -> dict[str, Any]:
    """The structured-output schema: the raw conversation model, in the subset the API accepts."""
    return strict_json_schema(RawConversation)


@dataclass(frozen=True)
class Estimate:
    usage: LLMUsage
    cost_usd: float


@dataclass(frozen=True)
class GenerationPlan:
    """Everything about one generation before Claude is called; the page previews it."""

    expert: ExpertProfile
    persona: Persona
    arc: EmotionalArc
    topic: TrainingTopic
    template: PromptTemplate
    tier: Tier
    ranked: list[RankedTemplate]
    compatibility: Compatibility
    system_prompt: str
    user_prompt: str
    request: MessageRequest
    estimate: Estimate
    model_warning: str | None = None
    #: The snapshot taken when the request was sent (Message Batches: ``core.generation.frozen``).
    frozen_snapshot: dict[str, Any] | None = None

    def ids(self) -> dict[str, str | None]:
        return {
            "persona_id": self.persona.id,
            "emotional_arc_id": self.arc.id,
            "training_topic_id": self.topic.id,
            "template_id": self.template.id,
        }

    def snapshot(self) -> dict[str, Any]:
        """The scaffolding snapshot (§3.11) plus template, expert and request settings."""
        if self.frozen_snapshot is not None:
            return dict(self.frozen_snapshot)
        return {
            "persona": {
                "id": self.persona.id,
                "name": self.persona.name,
                "persona_key": self.persona.persona_key,
                "archetype": self.persona.archetype,
                "emotional_baseline": self.persona.emotional_baseline,
            },
            "emotional_arc": {
                "id": self.arc.id,
                "name": self.arc.name,
                "arc_key": self.arc.arc_key,
                "starting_emotion": self.arc.starting_emotion,
                "ending_emotion": self.arc.ending_emotion,
            },
            "training_topic": {
                "id": self.topic.id,
                "name": self.topic.name,
                "topic_key": self.topic.topic_key,
                "complexity_level": self.topic.complexity_level,
            },
            "template": {
                "id": self.template.id,
                "template_name": self.template.template_name,
                "tier": self.template.tier,
                "version": self.template.version,
            },
            "expert_profile": {"id": self.expert.id, "profile_key": self.expert.profile_key, "name": self.expert.name},
            "tier": self.tier,
            "model": self.request.model,
            "temperature": self.request.temperature,
            "max_tokens": self.request.max_tokens,
            "generation_timestamp": utcnow().isoformat(),
            "scaffolding_version": SCAFFOLDING_VERSION,
            "compatibility_score": self.compatibility.score,
            "compatibility_warnings": list(self.compatibility.warnings),
            "system_prompt": self.system_prompt,
            # The expert's voice as written: an edit re-derives pairs from this, never from today's profile.
            "consultant_profile": self.expert.consultant_profile(),
            "vertical": self.expert.vertical,
        }

    def provenance(self) -> Provenance:
        return Provenance(
            persona=self.persona,
            arc=self.arc,
            topic=self.topic,
            template=self.template,
            expert=self.expert,
            tier=self.tier,
            snapshot=self.snapshot(),
            extra_parameters={
                "tier": self.tier,
                "template_id": self.template.id,
                "template_name": self.template.template_name,
                "expert_profile_id": self.expert.id,
                "expert_profile_key": self.expert.profile_key,
            },
        )

    def request_payload(self) -> dict[str, Any]:
        """What the log row keeps of the request (the system prompt lives in the snapshot)."""
        return {
            "model": self.request.model,
            "max_tokens": self.request.max_tokens,
            "temperature": self.request.temperature,
            "template_name": self.template.template_name,
            "template_version": self.template.version,
            "prompt": self.user_prompt,
            "system_prompt_length": len(self.system_prompt),
        }


@dataclass(frozen=True)
class GenerationResult:
    """A stored conversation, or the failure record that explains why there is none."""

    conversation_id: str
    conversation: Conversation | None = None
    failure: FailedGeneration | None = None
    error: Exception | None = None
    cost_usd: float = 0.0
    latency_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.conversation is not None

    @property
    def message(self) -> str:
        if self.conversation is not None:
            return f"Stored conversation {self.conversation.conversation_id}."
        if self.failure is not None:
            return f"Generation failed ({self.failure.failure_type}): {self.failure.error_message}"
        return "Generation failed."

    @property
    def report_path(self) -> str | None:
        """Where the failure report is, as ``bucket/path``."""
        if self.failure is None or not self.failure.raw_file_path:
            return None
        return f"failed-generation-files/{self.failure.raw_file_path}"
