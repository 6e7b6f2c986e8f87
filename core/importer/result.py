"""What an import did, per conversation: stored, replaced or kept, and why."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.importer.formats import FORMAT_NAMES, Format

Action = Literal["imported", "replaced", "skipped"]


class ImportOutcome(BaseModel):
    conversation_id: str
    action: Action
    reason: str = ""
    truncated: bool = False


class ImportResult(BaseModel):
    source: str
    format: Format
    outcomes: list[ImportOutcome] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def _ids(self, action: Action) -> list[str]:
        return [o.conversation_id for o in self.outcomes if o.action == action]

    @property
    def imported(self) -> list[str]:
        return self._ids("imported")

    @property
    def replaced(self) -> list[str]:
        return self._ids("replaced")

    @property
    def skipped(self) -> list[str]:
        return self._ids("skipped")

    @property
    def stored(self) -> list[str]:
        """Ids written by this import (new or replacing an earlier copy)."""
        return [o.conversation_id for o in self.outcomes if o.action != "skipped"]

    @property
    def truncated(self) -> list[str]:
        return [o.conversation_id for o in self.outcomes if o.truncated and o.action != "skipped"]

    def summary(self) -> str:
        """One line in plain words, for a page or a terminal."""
        parts = [f"{len(self.imported)} imported"]
        if self.replaced:
            parts.append(f"{len(self.replaced)} replaced an earlier, less reviewed copy")
        if self.skipped:
            parts.append(f"{len(self.skipped)} already present")
        if self.truncated:
            parts.append(f"{len(self.truncated)} held for review (an answer ends mid-sentence)")
        return f"{self.source} ({FORMAT_NAMES[self.format]}): " + ", ".join(parts)

    def report(self) -> dict[str, object]:
        """The machine-readable report (``import --json``)."""
        return {
            "source": self.source,
            "format": self.format,
            "imported": self.imported,
            "replaced": self.replaced,
            "skipped": self.skipped,
            "truncated": self.truncated,
            "outcomes": [o.model_dump() for o in self.outcomes],
            "warnings": self.warnings,
        }
