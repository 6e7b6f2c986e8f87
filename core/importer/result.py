"""What an import did, per conversation: stored, replaced, updated or kept, and why.

Each outcome says which copy's content and which copy's review record won (``content_from``,
``review_from``: this file or the stored copy) and why, in ``reason``; which part of a file holding several
conversations it came from; and how many messages had escapes written twice and were un-escaped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.importer.formats import FORMAT_NAMES, Format

Action = Literal["imported", "replaced", "updated", "skipped"]
Side = Literal["this file", "the stored copy"]


class ImportOutcome(BaseModel):
    conversation_id: str
    action: Action
    reason: str = ""
    truncated: bool = False
    content_from: Side = "this file"
    review_from: Side = "this file"
    part: str | None = None
    unescaped: int = 0
    name: str = ""  # the conversation's name, for pages (which never show an id)


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
    def updated(self) -> list[str]:
        return self._ids("updated")

    @property
    def unescaped(self) -> list[str]:
        """Conversations whose text had escapes written twice, fixed on import."""
        return [o.conversation_id for o in self.outcomes if o.unescaped]

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
            parts.append(f"{len(self.replaced)} replaced an earlier, less complete copy")
        if self.updated:
            parts.append(f"{len(self.updated)} kept with this file's review record or text added")
        if self.skipped:
            parts.append(f"{len(self.skipped)} already present")
        if self.truncated:
            parts.append(f"{len(self.truncated)} held for review (an answer ends mid-sentence)")
        if self.unescaped:
            parts.append(f"{len(self.unescaped)} with line breaks or quotes escaped twice (now fixed)")
        return f"{self.source} ({FORMAT_NAMES[self.format]}): " + ", ".join(parts)

    def details(self) -> list[str]:
        """One line per conversation where copies met, or text was fixed, in plain words (no ids): for pages."""
        lines = []
        for o in self.outcomes:
            why = o.reason.split("; id ", 1)[0] if o.action != "imported" else ""
            fixed = f"line breaks or quotes escaped twice fixed in {o.unescaped} message(s)" if o.unescaped else ""
            said = "; ".join(p for p in (why, fixed) if p)
            if said:
                part = f" ({o.part})" if o.part else ""
                lines.append(f"{o.name or 'A conversation'}{part}: {said}.")
        return lines

    def report(self) -> dict[str, object]:
        """The machine-readable report (``import --json``)."""
        return {
            "source": self.source,
            "format": self.format,
            "imported": self.imported,
            "replaced": self.replaced,
            "updated": self.updated,
            "skipped": self.skipped,
            "unescaped": self.unescaped,
            "truncated": self.truncated,
            "outcomes": [o.model_dump() for o in self.outcomes],
            "warnings": self.warnings,
        }
