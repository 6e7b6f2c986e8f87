"""What review hands off to features beside it: enrichment (after a turn edit or on request) and training
files (the grid's "Add to training file"). Review depends on these two small Protocols, not on the
features' modules; ``core.bootstrap`` passes the real services in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from core.errors import ValidationError


class EnrichmentResult(Protocol):
    def text(self) -> str: ...


class Enricher(Protocol):
    def run_many(self, ids: Iterable[str]) -> EnrichmentResult: ...


class TrainingFileChange(Protocol):
    def summary(self) -> str: ...


class TrainingFiles(Protocol):
    def add_or_create(
        self, name: str, conversation_ids: list[str], *, added_by: str | None = None, description: str | None = None
    ) -> TrainingFileChange: ...


def enrich(enricher: Enricher, conversation_ids: list[str]) -> str:
    """Run the enrichment pipeline on ``conversation_ids``; one line saying how it went."""
    return enricher.run_many(conversation_ids).text()


def add_to_training_file(
    training_files: TrainingFiles, conversation_ids: list[str], file_name: str, reviewer: str, description: str | None
) -> str:
    """Add ``conversation_ids`` to the training file named ``file_name`` (created when there is none)."""
    if not file_name.strip():
        raise ValidationError(
            "A training file needs a name.", hint="Type the name of a new or an existing training file."
        )
    change = training_files.add_or_create(
        file_name.strip(), conversation_ids, added_by=reviewer, description=description
    )
    return change.summary()
