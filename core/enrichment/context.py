"""What enrichment reads from storage for a conversation: its expert, scaffolding and system prompt.

Lookups are cached for one run (a batch of 2,000 conversations shares a handful of scaffolding rows).
"""

from __future__ import annotations

import re
from typing import Any

from core.enrichment.enrich import EnrichmentContext, default_system_prompt
from core.errors import ConfigError
from core.models.conversation import Conversation
from core.models.scaffolding import EmotionalArc, ExpertProfile
from core.models.statuses import quality_tier
from core.scaffolding.service import ScaffoldingService
from core.storage.ports import Rows, ScaffoldingRows

SNAKE = re.compile(r"[a-z][a-z0-9_]*")
SOURCES = {"generated": "synthetic_platform_generated", "demo": "synthetic_platform_generated", "imported": "imported"}


def snapshot_expert(snapshot: dict[str, Any] | None) -> ExpertProfile | None:
    """The expert profile a conversation's snapshot recorded (``consultant_profile``), as a profile."""
    profile = (snapshot or {}).get("consultant_profile")
    if not isinstance(profile, dict) or not isinstance(profile.get("name"), str) or not profile["name"].strip():
        return None
    style: dict[str, Any] = profile.get("communication_style") or {}
    philosophy: dict[str, Any] = profile.get("core_philosophy") or {}
    if not isinstance(style, dict) or not isinstance(philosophy, dict):
        return None
    vertical = (snapshot or {}).get("vertical")
    years = profile.get("years_experience")
    try:
        return ExpertProfile(
            profile_key="snapshot",
            name=profile["name"][:255],
            business=str(profile.get("business") or ""),
            expertise=str(profile.get("expertise") or ""),
            years_experience=years if isinstance(years, int) and 0 <= years <= 80 else 0,
            vertical=vertical if isinstance(vertical, str) and SNAKE.fullmatch(vertical) else "general_consulting",
            principles=[str(v) for v in philosophy.values()],
            tone=str(style.get("tone") or "warm, professional, never condescending"),
            techniques=[str(v) for v in style.get("techniques") or []],
            avoid=[str(v) for v in style.get("avoid") or []],
        )
    except ValueError:  # a profile our model cannot hold: enrich with the stored or active one instead
        return None


class ContextLoader:
    """Reads scaffolding rows once per run."""

    def __init__(self, rows: ScaffoldingRows, scaffolding: ScaffoldingService, *, name_prefix: str = "fp") -> None:
        self.rows = rows
        self.scaffolding = scaffolding
        self.name_prefix = name_prefix
        self._cache: dict[tuple[str, str], Any] = {}

    def _find(self, kind: str, key: str | None) -> Any:
        if not key:
            return None
        if (kind, key) not in self._cache:
            repo: Rows[Any] = {  # type: ignore[assignment]
                "expert": self.rows.expert_profiles,
                "persona": self.rows.personas,
                "arc": self.rows.arcs,
                "topic": self.rows.topics,
                "template": self.rows.templates,
            }[kind]
            self._cache[(kind, key)] = repo.find(key)
        return self._cache[(kind, key)]

    def arc(self, conversation: Conversation) -> EmotionalArc | None:
        return self._find("arc", conversation.emotional_arc_id)  # type: ignore[no-any-return]

    def expert(self, conversation: Conversation) -> ExpertProfile:
        """The conversation's own expert profile (the one its snapshot recorded when it was written or imported,
        else its stored profile), else the active one; none at all is a setup problem."""
        kept = snapshot_expert(conversation.scaffolding_snapshot)
        if kept is not None:
            return kept
        found = self._find("expert", conversation.expert_profile_id)
        if found is None:
            if ("expert", "") not in self._cache:
                self._cache[("expert", "")] = self.scaffolding.active_expert()
            found = self._cache[("expert", "")]
        if found is None:
            raise ConfigError(
                "There is no expert profile to enrich with (its voice and profile go into every training pair).",
                hint="Create one on the Scaffolding page, or load the demo dataset on Home.",
                terminal_hint="Load the defaults with: python -m core demo load",
            )
        return found

    def system_prompt(self, conversation: Conversation, expert: ExpertProfile) -> str:
        snapshot = conversation.scaffolding_snapshot or {}
        prompt = snapshot.get("system_prompt")
        if isinstance(prompt, str) and prompt.strip():
            return prompt
        key = ("system_prompt", expert.id)
        if key not in self._cache:
            self._cache[key] = default_system_prompt(expert)
        return str(self._cache[key])

    def load(
        self,
        conversation: Conversation,
        *,
        quality_score: float,
        criteria: dict[str, float | None],
        input_parameters: dict[str, Any] | None,
    ) -> EnrichmentContext:
        expert = self.expert(conversation)
        return EnrichmentContext(
            conversation_id=conversation.conversation_id,
            created_at=conversation.created_at,
            expert=expert,
            system_prompt=self.system_prompt(conversation, expert),
            quality_score=quality_score,
            quality_tier=quality_tier(quality_score),
            quality_criteria=criteria,
            conversation_source=SOURCES.get(conversation.source, "synthetic_platform_generated"),
            input_parameters=input_parameters or conversation.input_parameters or None,
            persona=self._find("persona", conversation.persona_id),
            arc=self._find("arc", conversation.emotional_arc_id),
            topic=self._find("topic", conversation.training_topic_id),
            template=self._find("template", conversation.template_id),
            name_prefix=self.name_prefix,
        )
