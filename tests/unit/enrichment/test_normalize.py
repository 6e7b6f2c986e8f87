"""Normalization checks what it stores: canonical bytes, control characters removed, schema enforced."""

from __future__ import annotations

import json

from core.enrichment.enrich import build_enriched
from core.enrichment.normalize import normalize


def test_a_built_file_normalizes_cleanly_to_two_space_json(raw, context) -> None:
    result = normalize(build_enriched(raw, context))
    assert result.ok and result.issues == []
    assert result.data.decode().startswith('{\n  "dataset_metadata": {')


def test_control_characters_are_removed_from_the_stored_bytes(raw, context) -> None:
    raw["turns"][1]["content"] = "Thank you\x07 for telling me\x7f today."
    result = normalize(build_enriched(raw, context))
    assert result.ok and [i.type for i in result.issues] == ["encoding"]
    assert json.loads(result.data)["training_pairs"][1]["target_response"] == "Thank you for telling me today."


def test_missing_dataset_metadata_is_an_error(raw, context) -> None:
    enriched = build_enriched(raw, context)
    del enriched["dataset_metadata"]
    assert not normalize(enriched).ok


def test_a_pair_missing_a_field_fails_the_schema_check(raw, context) -> None:
    enriched = build_enriched(raw, context)
    del enriched["training_pairs"][1]["system_prompt"]
    result = normalize(enriched)
    assert not result.ok and "training_pairs.1.system_prompt" in result.errors()[0]


def test_a_tiny_file_is_flagged_small() -> None:
    result = normalize({"dataset_metadata": {}, "consultant_profile": {}, "training_pairs": []})
    assert {i.type for i in result.issues} == {"schema", "size"}
