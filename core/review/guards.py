"""Guard rails on approval: what makes approving a conversation risky, and the confirmation it needs.

An approved conversation goes into training data. Approving one that is not enriched, has no quality
score, or was cut off (truncated) is allowed, but only when the reviewer confirms each of those risks
explicitly; the confirmation is written into the conversation's history with the decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from core.errors import ConflictError
from core.models.conversation import Conversation
from core.models.statuses import ENRICHED

Risk = Literal["not_enriched", "not_scored", "truncated"]
RISKS: tuple[str, ...] = get_args(Risk)


RISK_TEXT: dict[str, str] = {
    "not_enriched": "it is not enriched",
    "not_scored": "it has no quality score",
    "truncated": "it looks cut off (truncated)",
}


def approval_risks(row: Conversation) -> list[Risk]:
    """What makes approving ``row`` risky, in a fixed order (empty when nothing does)."""
    risks: list[Risk] = []
    if row.enrichment_status not in ENRICHED:
        risks.append("not_enriched")
    if row.quality_score is None:
        risks.append("not_scored")
    if row.is_truncated:
        risks.append("truncated")
    return risks


def describe(risks: Iterable[str]) -> str:
    """``"it is not enriched and it has no quality score"``."""
    words = [RISK_TEXT.get(r, r) for r in risks]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


class ConfirmationNeeded(ConflictError):
    """Approving needs the reviewer to confirm ``risks`` first."""

    def __init__(self, name: str, risks: list[Risk]) -> None:
        super().__init__(
            f"Approving {name} needs your confirmation: {describe(risks)}.",
            hint="Confirm that you want to approve it anyway; the confirmation is kept in its history.",
        )
        self.risks = risks


def unconfirmed(row: Conversation, confirmed: Iterable[str]) -> list[Risk]:
    """The risks of approving ``row`` that ``confirmed`` does not cover."""
    given = set(confirmed)
    return [r for r in approval_risks(row) if r not in given]


def check_approval(row: Conversation, confirmed: Iterable[str], *, name: str) -> list[Risk]:
    """The confirmed risks to record, or ``ConfirmationNeeded`` when one is not confirmed."""
    missing = unconfirmed(row, confirmed)
    if missing:
        raise ConfirmationNeeded(name, missing)
    return approval_risks(row)
