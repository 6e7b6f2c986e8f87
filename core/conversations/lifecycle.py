"""Everyday actions on one conversation: generate (and enrich right away), regenerate, delete and undo.

- **Generate** stores a conversation and, when ``enrich`` is on (the setting ``enrich_after_generate``,
  on by default), enriches it at once, so it arrives on Review with its score.
- **Regenerate** makes a new attempt from the same scaffolding (persona, arc, topic, tier, template).
  The new conversation records the old one in ``regenerated_from``; the old one is archived (kept and
  linked, never deleted), with a line in its review history naming the new attempt.
- **Delete** is soft (``is_active`` off: gone from every list, counter and export) and **undo** brings
  it back exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.enrichment.pipeline import EnrichmentService
from core.errors import ConflictError
from core.generation.plan import GenerationResult
from core.generation.service import GenerationService
from core.models.conversation import Conversation
from core.models.scaffolding import Tier
from core.models.statuses import Outcome, Review
from core.review.service import ReviewService
from core.storage.ports import ConversationRows, ScaffoldingRows


@dataclass
class Generated:
    """A generation, and what enriching it right after did (``None`` when it was not asked for)."""

    result: GenerationResult
    enriched: bool | None = None
    enrich_message: str | None = None
    replaced: str | None = None

    @property
    def message(self) -> str:
        if not self.result.ok:
            return self.result.message
        text = f"Conversation written (${self.result.cost_usd:.4f})"
        if self.enriched is True:
            text += " and enriched"
        elif self.enriched is False:
            text += f"; enriching it did not finish: {self.enrich_message}"
        if self.replaced:
            text += "; the earlier attempt is archived and linked"
        return text + "."


class ConversationActions:
    def __init__(
        self,
        conversations: ConversationRows,
        scaffolding: ScaffoldingRows,
        generation: GenerationService,
        enrichment: EnrichmentService,
        review: ReviewService,
        *,
        enrich_after_generate: bool = True,
    ) -> None:
        self.conversations = conversations
        self.scaffolding = scaffolding
        self.generation = generation
        self.enrichment = enrichment
        self.review = review
        self.enrich_after_generate = enrich_after_generate

    def generate(
        self,
        persona_key: str,
        arc_key: str,
        topic_key: str,
        *,
        tier: Tier | None = None,
        template_name: str | None = None,
        created_by: str | None = None,
        enrich: bool | None = None,
    ) -> Generated:
        """Generate one conversation; enrich it right after when ``enrich`` (default: the setting)."""
        result = self.generation.generate(
            persona_key, arc_key, topic_key, tier=tier, template_name=template_name, created_by=created_by
        )
        return self._enrich(Generated(result), self.enrich_after_generate if enrich is None else enrich)

    def _enrich(self, generated: Generated, enrich: bool) -> Generated:
        if not (enrich and generated.result.ok):
            return generated
        outcome = self.enrichment.run_one(generated.result.conversation_id)
        generated.enriched = outcome.outcome == Outcome.SUCCEEDED
        generated.enrich_message = outcome.error
        return generated

    def regenerate(
        self, conversation_id: str, *, by: str, created_by: str | None = None, enrich: bool | None = None
    ) -> Generated:
        """A new attempt from the same scaffolding; on success the old one is archived and linked."""
        old = self.conversations.get(conversation_id)
        if not (old.persona_key and old.emotional_arc_key and old.topic_key):
            raise ConflictError(
                f"'{old.conversation_name}' does not say which persona, arc and topic it was written for, "
                "so it cannot be written again.",
                hint="Generate a new one on the Generate page instead.",
            )
        template = self.scaffolding.templates.find(old.template_id) if old.template_id else None
        result = self.generation.generate(
            old.persona_key,
            old.emotional_arc_key,
            old.topic_key,
            tier=old.tier,
            template_name=template.template_name if template and template.is_active else None,
            created_by=created_by,
        )
        generated = Generated(result)
        if not result.ok:
            return generated
        self.conversations.update(result.conversation_id, regenerated_from=old.conversation_id)
        if old.review_status != Review.ARCHIVED:
            self.review.decide(
                old.conversation_id,
                "archive",
                by,
                comment=f"Replaced by a new attempt ({result.conversation_id}).",
            )
        generated.replaced = old.conversation_id
        return self._enrich(generated, self.enrich_after_generate if enrich is None else enrich)

    def attempts(self, conversation_id: str) -> list[Conversation]:
        """Earlier attempts this conversation replaced, newest first (following ``regenerated_from``)."""
        chain: list[Conversation] = []
        row = self.conversations.get(conversation_id)
        seen = {row.conversation_id}
        while row.regenerated_from and row.regenerated_from not in seen:
            found = self.conversations.find(row.regenerated_from)
            if found is None:
                break
            chain.append(found)
            seen.add(found.conversation_id)
            row = found
        return chain

    def delete(self, conversation_id: str) -> Conversation:
        """Soft delete: out of every list, count and export until undone."""
        row = self.conversations.get(conversation_id)
        if not row.is_active:
            return row
        return self.conversations.update(conversation_id, is_active=False)

    def undo_delete(self, conversation_id: str) -> Conversation:
        return self.conversations.update(conversation_id, is_active=True)
