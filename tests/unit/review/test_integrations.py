"""Review hands off to enrichment and training files through two small Protocols, given explicitly."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from core.errors import ValidationError
from core.review import integrations


class Summary:
    def __init__(self, text: str) -> None:
        self._text = text

    def text(self) -> str:
        return self._text

    def summary(self) -> str:
        return self._text


class Enricher:
    def __init__(self) -> None:
        self.seen: list[list[str]] = []

    def run_many(self, ids: Iterable[str]) -> Summary:
        self.seen.append(list(ids))
        return Summary("2 succeeded")


class TrainingFiles:
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def add_or_create(
        self, name: str, conversation_ids: list[str], *, added_by: str | None = None, description: str | None = None
    ) -> Summary:
        self.calls.append((name, conversation_ids, added_by, description))
        return Summary("added 1")


def test_enrich_passes_the_ids_and_returns_the_summary_text() -> None:
    enricher = Enricher()
    assert integrations.enrich(enricher, ["a", "b"]) == "2 succeeded"
    assert enricher.seen == [["a", "b"]]


def test_add_to_training_file_needs_a_name() -> None:
    files = TrainingFiles()
    with pytest.raises(ValidationError, match="needs a name"):
        integrations.add_to_training_file(files, ["a"], "  ", "Ana", None)
    assert files.calls == []


def test_add_to_training_file_calls_the_export_feature_with_the_reviewer() -> None:
    files = TrainingFiles()
    assert integrations.add_to_training_file(files, ["a"], " Q3 set ", "Ana", None) == "added 1"
    assert files.calls == [("Q3 set", ["a"], "Ana", None)]
