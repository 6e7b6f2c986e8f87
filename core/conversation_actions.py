"""Everyday actions on one conversation: generate (and enrich right away), regenerate, delete and undo.

- **Generate** stores a conversation and, when ``enrich`` is on (the setting ``enrich_after_generate``,
  on by default), enriches it at once, so it arrives on Review with its score.
- **Regenerate** makes a new attempt from the same scaffolding (persona, arc, topic, tier, template).
  The new conversation records the old one in ``regenerated_from``; the old one is archived (kept and
  linked, never deleted), with a ``replaced`` line in its review history naming the new attempt.
  Archiving the replaced attempt is the owner's action, not a review decision: its owner may do it (on
  Supabase the database allows exactly that, m0013). Everything that could refuse is checked before the
  paid call: the conversation exists, is not deleted, is the caller's own, names its scaffolding, and, when
  it is approved or in a training file, the caller confirmed replacing it. The archive is a
  compare-and-set on the row's version: if anything changed it during the call (a reviewer's decision),
  both conversations are kept, nothing is archived, and the result says so.
- **Delete** is soft (``is_active`` off: gone from every list, counter and export) and **undo** brings
  it back exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.conversations.deleted import refuse_if_deleted
from core.enrichment.pipeline import EnrichmentService
from core.errors import AccessDeniedError, ConflictError
from core.generation.plan import GenerationResult
from core.generation.service import GenerationService
from core.models.base import utcnow
from core.models.conversation import Conversation
from core.models.review import ReviewAction
from core.models.scaffolding import Tier
from core.models.statuses import Outcome, Review
from core.review.decisions import reviewer_name
from core.review.service import ReviewService
from core.review.transitions import STATUS_LABELS
from core.storage.ports import ConversationRows, ScaffoldingRows, TrainingFileRows


class ReplaceNeedsConfirmation(ConflictError):
    """Regenerating an approved conversation, or one in a training file, needs the caller's confirmation."""


@dataclass
class Generated:
    """A generation, and what enriching it right after did (``None`` when it was not asked for)."""

    result: GenerationResult
    enriched: bool | None = None
    enrich_message: str | None = None
    replaced: str | None = None
    #: Why the earlier attempt was kept as it was (it changed while the new one was being written).
    kept: str | None = None

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
        if self.kept:
            text += f"; {self.kept}"
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
        training_files: TrainingFileRows | None = None,
    ) -> None:
        self.conversations = conversations
        self.scaffolding = scaffolding
        self.generation = generation
        self.enrichment = enrichment
        self.review = review
        self.enrich_after_generate = enrich_after_generate
        self.training_files = training_files

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

    def replacing_needs(self, conversation_id: str) -> list[str]:
        """What makes replacing this conversation worth a confirmation, in plain words (empty: nothing does)."""
        row = self.conversations.get(conversation_id)
        reasons = []
        if row.review_status == Review.APPROVED:
            reasons.append("it is approved")
        if self.training_files is not None:
            names = [f"'{f.name}'" for f in self.training_files.files_holding(row.conversation_id)]
            if names:
                reasons.append(f"it is in the training file{'s' if len(names) > 1 else ''} {', '.join(names)}")
        return reasons

    def regenerate(
        self,
        conversation_id: str,
        *,
        by: str,
        created_by: str | None = None,
        enrich: bool | None = None,
        confirm: bool = False,
    ) -> Generated:
        """A new attempt from the same scaffolding; on success the old one is archived and linked.

        Refused before any paid call when it could not finish: see the module's docstring."""
        by = reviewer_name(by)  # every history line names who did it: checked before the call
        old = self._replaceable(conversation_id, confirm=confirm)
        template = self.scaffolding.templates.find(old.template_id) if old.template_id else None
        owner = self.review.transactions.acting_user
        result = self.generation.generate(
            old.persona_key or "",
            old.emotional_arc_key or "",
            old.topic_key or "",
            tier=old.tier,
            template_name=template.template_name if template and template.is_active else None,
            created_by=owner or created_by or old.created_by,
        )
        generated = Generated(result)
        if not result.ok:
            return generated
        generated.replaced, generated.kept = self._archive(old, result.conversation_id, by)
        return self._enrich(generated, self.enrich_after_generate if enrich is None else enrich)

    def _replaceable(self, conversation_id: str, *, confirm: bool) -> Conversation:
        """The conversation to replace, once every check that could refuse the replacement has passed."""
        old = self.conversations.get(conversation_id)
        refuse_if_deleted(old, "regenerate it")
        name = f"'{old.conversation_name}'"
        if not (old.persona_key and old.emotional_arc_key and old.topic_key):
            raise ConflictError(
                f"{name} does not say which persona, arc and topic it was written for, so it cannot be written again.",
                hint="Generate a new one on the Generate page instead.",
            )
        user = self.review.transactions.acting_user
        if user is not None and old.created_by != user:
            raise AccessDeniedError(
                f"{name} was written by someone else; only the person who wrote it can regenerate it.",
                hint="Generate a new conversation of your own from the same client, journey and topic.",
            )
        if not confirm and (reasons := self.replacing_needs(conversation_id)):
            raise ReplaceNeedsConfirmation(
                f"Regenerating {name} archives it, and {' and '.join(reasons)}.",
                hint="Confirm that you want a new attempt anyway; nothing is written until you do.",
            )
        return old

    def _archive(self, old: Conversation, new_id: str, by: str) -> tuple[str | None, str | None]:
        """Link the new attempt, and archive the old one if nobody changed it meanwhile (compare-and-set on
        its version and status). Returns (the archived id, or why it was kept)."""
        self.conversations.update(new_id, regenerated_from=old.conversation_id)
        if old.review_status == Review.ARCHIVED:
            return old.conversation_id, None
        try:
            return self._archive_if_unchanged(old, new_id, by)
        except AccessDeniedError as err:  # checked before the call; should the database still say no, say so
            return None, f"the earlier attempt is kept as it is (it could not be archived: {err.message})"

    def _archive_if_unchanged(self, old: Conversation, new_id: str, by: str) -> tuple[str | None, str | None]:
        with self.review.transactions.transaction() as conn:
            where = {
                "conversation_id": old.conversation_id,
                "review_status": old.review_status,
                "row_version": old.row_version,
            }
            values = {"review_status": Review.ARCHIVED, "row_version": old.row_version + 1, "updated_at": utcnow()}
            if self.conversations.update_where(where, conn=conn, **values) == 1:
                self.review.log.add_action(
                    ReviewAction(
                        conversation_id=old.conversation_id,
                        action="replaced",
                        performed_by=by,
                        comment="Replaced by a new attempt.",
                        from_status=old.review_status,
                        to_status=Review.ARCHIVED,
                        details={"replaced_by": new_id},
                    ),
                    conn=conn,
                )
                return old.conversation_id, None
        now = self.conversations.find(old.conversation_id)
        if now is not None and now.review_status != old.review_status:
            changed = f"it was {STATUS_LABELS.get(now.review_status, now.review_status)} meanwhile"
        else:
            changed = "it was changed meanwhile"
        return None, f"the earlier attempt is kept as it is ({changed}), so you now have both"

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
