"""What review actions return: the outcome of a bulk action, and of a turn edit."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.models.review import TurnRevision


class Refusal(BaseModel):
    conversation_id: str
    reason: str


class BulkResult(BaseModel):
    """What a bulk action did: the ids it changed and, for the others, why not."""

    done: list[str] = Field(default_factory=list)
    refused: list[Refusal] = Field(default_factory=list)

    def summary(self, verb: str) -> str:
        line = f"{len(self.done)} {verb}"
        if self.refused:
            line += f", {len(self.refused)} refused"
        return line


class EditResult(BaseModel):
    revision: TurnRevision
    re_enriched: bool  # the training pairs are up to date (re-derived, or enrichment re-ran)
    message: str
    sent_back: bool = False  # an approved conversation went back to review
