"""The v4 training file: streamed bytes equal one big dump, totals and summaries match the content."""

from __future__ import annotations

import json
from pathlib import Path

from core.export.brightrun_v4 import write_v4
from core.export.selection import ExportItem


def _write(items: list[ExportItem], tmp_path: Path) -> tuple[dict, list[dict]]:
    write_v4(items, tmp_path / "t.json", tmp_path / "t.jsonl", file_name="f")
    text = (tmp_path / "t.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False)  # streamed == canonical
    lines = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text(encoding="utf-8").split("\n")]
    return json.loads(text), lines


def test_jsonl_has_meta_then_one_unique_line_per_assistant_pair(
    reference_items: list[ExportItem], tmp_path: Path
) -> None:
    data, lines = _write(reference_items, tmp_path)
    assert lines[0] == {"_meta": {"file_name": "f", "total_pairs": 15, "version": "4.0.0"}}
    assistant_pairs = [p for c in data["conversations"] for p in c["training_pairs"] if p["target_response"]]
    assert len(lines) - 1 == len(assistant_pairs) == 6
    assert len({line["id"] for line in lines[1:]}) == 6  # the earlier system's ids repeated across conversations


def test_quality_summary_counts_measured_scores_and_human_reviews(
    reference_items: list[ExportItem], tmp_path: Path
) -> None:
    reference_items[0].row.quality_score = 4.6
    reference_items[1].row.quality_score = 3.0
    reference_items[1].row.reviewed_by = "ana"
    data, _ = _write(reference_items, tmp_path)
    summary = data["training_file_metadata"]["quality_summary"]
    assert (summary["avg_quality_score"], summary["min_quality_score"], summary["max_quality_score"]) == (3.8, 3.0, 4.6)
    assert (summary["human_reviewed_count"], summary["human_reviewed_percentage"]) == (1, 33.3)
    assert data["conversations"][0]["conversation_metadata"]["quality_tier"] == "seed_dataset"


def test_each_pair_says_it_was_human_reviewed_exactly_when_the_header_counts_it(
    reference_items: list[ExportItem], tmp_path: Path
) -> None:
    reference_items[1].row.reviewed_by = "ana"  # the others carry the importer's stamp
    data, lines = _write(reference_items, tmp_path)
    flags = [{p["training_metadata"]["human_reviewed"] for p in c["training_pairs"]} for c in data["conversations"]]
    assert flags == [{False}, {True}, {False}]
    assert data["training_file_metadata"]["quality_summary"]["human_reviewed_count"] == 1
    reviewed_id = data["conversations"][1]["conversation_metadata"]["conversation_id"]
    assert {
        line["training_metadata"]["human_reviewed"] for line in lines[1:] if line["conversation_id"] == reviewed_id
    } == {True}


def test_distribution_counts_row_keys_once_per_conversation(reference_items: list[ExportItem], tmp_path: Path) -> None:
    for item in reference_items:
        item.row.persona_key = "pragmatic_optimist"
    reference_items[2].row.topic_key = "grandparent_529"
    data, _ = _write(reference_items, tmp_path)
    assert data["training_file_metadata"]["scaffolding_distribution"] == {
        "personas": {"pragmatic_optimist": 3},
        "emotional_arcs": {},
        "training_topics": {"grandparent_529": 1},
    }


def test_an_empty_file_is_still_valid_json_with_zero_totals(tmp_path: Path) -> None:
    data, lines = _write([], tmp_path)
    assert data["conversations"] == [] and data["training_file_metadata"]["total_training_pairs"] == 0
    assert lines == [{"_meta": {"file_name": "f", "total_pairs": 0, "version": "4.0.0"}}]
