"""Enrichment and training files are reached only when those features exist."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core.errors import ConfigError
from core.review import integrations


def test_enrich_without_an_enrichment_service_says_it_is_not_available() -> None:
    with pytest.raises(ConfigError, match="Enrichment is not available"):
        integrations.enrich(SimpleNamespace(), ["a"])


def test_enrich_passes_the_ids_and_returns_the_summary_text() -> None:
    seen: list[list[str]] = []

    class Summary:
        def text(self) -> str:
            return "2 succeeded"

    def run_many(ids: list[str]) -> Summary:
        seen.append(ids)
        return Summary()

    services = SimpleNamespace(enrichment=SimpleNamespace(run_many=run_many))
    assert integrations.enrich(services, ["a", "b"]) == "2 succeeded"
    assert seen == [["a", "b"]]


def test_add_to_training_file_needs_a_name_and_the_export_feature() -> None:
    with pytest.raises(ConfigError, match="needs a name"):
        integrations.add_to_training_file(SimpleNamespace(), ["a"], "  ", "Ana", None)
    with pytest.raises(ConfigError, match="Training files are not available"):
        integrations.add_to_training_file(SimpleNamespace(), ["a"], "Q3 set", "Ana", None)


def test_add_to_training_file_calls_the_export_feature_with_the_reviewer() -> None:
    calls: list[tuple[Any, ...]] = []

    def add_or_create(name: str, ids: list[str], *, added_by: str, description: str | None) -> str:
        calls.append((name, ids, added_by, description))
        return "added 1"

    services = SimpleNamespace(training_files=SimpleNamespace(add_or_create=add_or_create))
    assert integrations.add_to_training_file(services, ["a"], " Q3 set ", "Ana", None) == "added 1"
    assert calls == [("Q3 set", ["a"], "Ana", None)]
