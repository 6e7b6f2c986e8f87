"""The spend and stats ports: the cost columns of every priced call, and conversations counted per status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.models.spend import ConversationCounts, SpendRow


class SpendLog(Protocol):
    """What was spent, from ``generation_logs`` (one row per model call, priced when it was made), of one project."""

    def rows(self) -> list[SpendRow]:
        """One row per logged call with a cost (demo rows included, marked ``is_demo``), oldest first."""
        ...

    def job_names(self) -> dict[str, str]:
        """Batch job id → its name, for every job of the project."""
        ...


class StatusCounts(Protocol):
    """Conversations counted per status, for the home page and ``python -m core stats``."""

    def counts(self) -> ConversationCounts:
        """The active conversations per processing, enrichment and review status, the failed generations and
        the truncated conversations, all in one read (never waiting behind a writer)."""
        ...
