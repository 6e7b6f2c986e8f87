"""Each format's output for the reference conversations, pinned by golden files (canonical, diffable)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from core.export import kto, openai_chat, sharegpt
from core.export.brightrun_v4 import write_v4
from core.export.common import ExportOptions, write_jsonl
from core.export.huggingface import write_hf
from core.export.selection import ExportItem
from tests.unit.export.conftest import REFERENCE, assert_golden

RECORDS = {"openai": openai_chat.records, "sharegpt": sharegpt.records, "kto": kto.records}
REFERENCE_TIME = datetime(2025, 12, 2, 0, 46, 49, 330000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fmt", "per_turn"), [("openai", False), ("openai", True), ("sharegpt", False), ("sharegpt", True), ("kto", False)]
)
def test_jsonl_formats_match_golden(
    fmt: str, per_turn: bool, reference_items: list[ExportItem], tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    result = write_jsonl(fmt, reference_items, out, ExportOptions(per_turn=per_turn), RECORDS[fmt])
    assert result.examples == {"train": 6 if per_turn else 3}
    assert_golden(f"{fmt}{'_per_turn' if per_turn else ''}.jsonl", out.read_text(encoding="utf-8"))


def _with_original_ids(data: dict) -> dict:
    for conversation in data["conversations"]:
        conversation["training_pairs"] = [
            {"id": p["original_id"]} | {k: v for k, v in p.items() if k not in ("id", "original_id")}
            if "original_id" in p
            else p
            for p in conversation["training_pairs"]
        ]
    return data


def test_v4_export_of_the_reference_conversations_is_the_reference_file_with_unique_pair_ids(
    reference_items: list[ExportItem], tmp_path: Path
) -> None:
    json_out, jsonl_out = tmp_path / "t.json", tmp_path / "t.jsonl"
    write_v4(reference_items, json_out, jsonl_out, file_name="File 2a", created=REFERENCE_TIME, updated=REFERENCE_TIME)
    exported = json.loads(json_out.read_text(encoding="utf-8"))
    ids = [p["id"] for c in exported["conversations"] for p in c["training_pairs"]]
    assert len(ids) == len(set(ids)) == 15
    # The reference re-uses therapeutic_turn1..5 in all three conversations: each gets its conversation's tag.
    assert exported["conversations"][1]["training_pairs"][0]["id"] == "therapeutic_turn1_14009fa0"
    assert exported["conversations"][1]["training_pairs"][0]["original_id"] == "therapeutic_turn1"
    assert exported["conversations"][0]["training_pairs"][0]["id"] == "therapeutic_turn1_330dc058"
    assert _with_original_ids(exported) == json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert_golden("brightrun_v4.json", json_out.read_text(encoding="utf-8"))
    assert_golden("brightrun_v4.jsonl", jsonl_out.read_text(encoding="utf-8"))


def test_hf_rows_and_dataset_card_match_golden(reference_items: list[ExportItem], tmp_path: Path) -> None:
    result = write_hf(reference_items, tmp_path / "hf", ExportOptions(per_turn=True), name="reference")
    rows = pq.read_table(tmp_path / "hf" / "data" / "train.parquet").to_pylist()
    assert len(rows) == result.examples["train"] == 6
    assert_golden("hf_rows.json", json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    assert_golden("hf_README.md", (tmp_path / "hf" / "README.md").read_text(encoding="utf-8"))
