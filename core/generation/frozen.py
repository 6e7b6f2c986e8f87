"""A generation plan frozen to JSON and back: Message Batches mode stores the exact request and the
scaffolding snapshot on the item when it is submitted, and ingests its result (up to a day later) with them,
whatever happened to the scaffolding meanwhile."""

from __future__ import annotations

from typing import Any

from core.generation.plan import Estimate, GenerationPlan
from core.llm.types import LLMUsage, MessageRequest
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic
from core.scaffolding.compatibility import Compatibility

FORMAT = 1


def freeze_plan(plan: GenerationPlan) -> dict[str, Any]:
    """Everything ingesting the result needs: the request as sent, the scaffolding records, the snapshot."""
    return {
        "format": FORMAT,
        "request": plan.request.model_dump(mode="json"),
        "params": plan.request.to_params(),
        "snapshot": plan.snapshot(),
        "expert": plan.expert.model_dump(mode="json"),
        "persona": plan.persona.model_dump(mode="json"),
        "arc": plan.arc.model_dump(mode="json"),
        "topic": plan.topic.model_dump(mode="json"),
        "template": plan.template.model_dump(mode="json"),
        "tier": plan.tier,
        "compatibility": plan.compatibility.model_dump(mode="json"),
        "system_prompt": plan.system_prompt,
        "user_prompt": plan.user_prompt,
        "estimate": {"usage": plan.estimate.usage.model_dump(), "cost_usd": plan.estimate.cost_usd},
    }


def thaw_plan(data: dict[str, Any]) -> GenerationPlan:
    """The plan as it was at submission (``snapshot()`` returns the stored snapshot)."""
    return GenerationPlan(
        expert=ExpertProfile.model_validate(data["expert"]),
        persona=Persona.model_validate(data["persona"]),
        arc=EmotionalArc.model_validate(data["arc"]),
        topic=TrainingTopic.model_validate(data["topic"]),
        template=PromptTemplate.model_validate(data["template"]),
        tier=data["tier"],
        ranked=[],
        compatibility=Compatibility.model_validate(data["compatibility"]),
        system_prompt=data["system_prompt"],
        user_prompt=data["user_prompt"],
        request=MessageRequest.model_validate(data["request"]),
        estimate=Estimate(LLMUsage.model_validate(data["estimate"]["usage"]), float(data["estimate"]["cost_usd"])),
        frozen_snapshot=data["snapshot"],
    )
