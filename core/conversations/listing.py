"""The conversation list for scripts and the CLI: a few plain fields per conversation, filtered by status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from core.errors import ValidationError
from core.models.conversation import Conversation
from core.models.statuses import REVIEW_STATUSES

if TYPE_CHECKING:
    from core.storage.ports import ConversationRows


class ConversationSummary(BaseModel):
    """Exactly the fields ``conversations list --json`` prints."""

    conversation_id: str
    name: str
    review_status: str
    enrichment_status: str
    truncated: bool
    quality_score: float | None

    @classmethod
    def of(cls, row: Conversation) -> ConversationSummary:
        return cls(
            conversation_id=row.conversation_id,
            name=row.conversation_name,
            review_status=row.review_status,
            enrichment_status=row.enrichment_status,
            truncated=row.is_truncated,
            quality_score=row.quality_score,
        )


def review_statuses(value: str | None) -> list[str] | None:
    """``--status`` text (a comma list of review statuses, or ``all``) -> statuses, ``None`` meaning any."""
    if value is None or not value.strip() or value.strip() == "all":
        return None
    statuses = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in statuses if s not in REVIEW_STATUSES]
    if unknown:
        raise ValidationError(
            f"Unknown review status: {', '.join(unknown)}.", hint=f"Use 'all' or one of: {', '.join(REVIEW_STATUSES)}."
        )
    return statuses


def list_conversations(rows: ConversationRows, statuses: list[str] | None = None) -> list[ConversationSummary]:
    """Active conversations, oldest first, optionally only those in ``statuses`` (review statuses)."""
    where: dict[str, object] = {"is_active": True}
    if statuses is not None:
        where["review_status"] = statuses
    found = rows.list(where=where, order_by=("created_at", "conversation_id"))
    return [ConversationSummary.of(r) for r in found]
