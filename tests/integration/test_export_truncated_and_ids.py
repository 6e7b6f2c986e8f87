"""Exports: truncated conversations left out unless asked (and counted), every pair id unique in a file.

On SQLite and on the real PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from core.bootstrap import Services
from core.cli.main import app
from core.settings import Settings
from core.storage.blobs import LocalBlobStore
from core.storage.database import Database
from tests.support import import_files as files
from tests.support.paths import REFERENCE_DIR

TRAINING = REFERENCE_DIR / "training-file-brightrun-lora-v4.json"


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Services:
    data = tmp_path / "data"
    return Services(settings=Settings(data_dir=data), db=db, blobs=LocalBlobStore(data / "buckets"))


def test_truncated_conversations_are_left_out_and_the_report_counts_their_answers(
    svc: Services, tmp_path: Path
) -> None:
    svc.importer.import_path(TRAINING)
    result = svc.exports.export("openai", tmp_path / "o.jsonl", status="all")
    assert result.conversations == 1 and len((tmp_path / "o.jsonl").read_text().splitlines()) == 1
    report = svc.exports.validate(result, load_with_datasets=False)
    assert "4 assistant messages end mid-sentence (2 conversations): excluded" in report.warnings


def test_truncated_conversations_are_exported_when_explicitly_included(svc: Services, tmp_path: Path) -> None:
    svc.importer.import_path(TRAINING)
    result = svc.exports.export("sharegpt", tmp_path / "s.jsonl", status="all", include_truncated=True)
    assert result.conversations == 3
    report = svc.exports.validate(result, load_with_datasets=False)
    assert "4 assistant messages end mid-sentence (2 conversations): included, as asked" in report.warnings


def test_a_filtered_training_file_leaves_truncated_conversations_out(svc: Services) -> None:
    svc.importer.import_path(TRAINING)
    row = svc.training_files.create("Whole ones", status="all")
    assert row.conversation_count == 1


def test_the_export_cli_says_what_was_excluded_and_takes_include_truncated(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["import", str(TRAINING)])
    out = tmp_path / "o.jsonl"
    left_out = runner.invoke(app, ["export", "--format", "openai", "--out", str(out), "--status", "all"])
    assert "4 assistant messages end mid-sentence (2 conversations): excluded" in left_out.output
    included = runner.invoke(
        app, ["export", "--format", "openai", "--out", str(out), "--status", "all", "--include-truncated"]
    )
    assert "included, as asked" in included.output and len(out.read_text().splitlines()) == 3


def _reusing_ids(conversations: int) -> bytes:
    """Every conversation re-uses the same per-turn pair ids, as earlier files did (447 pairs, 36 ids)."""
    entries = []
    for n in range(conversations):
        exchanges = [(f"Client {n} asks about the budget.", f"Planner answers client {n}.")] * 2
        entries.append((f"r{n:07d}-0000-4000-8000-000000000000", files.per_turn_pairs(exchanges, prefix="conflict")))
    return files.dumps(files.training_file(entries))


def test_every_pair_id_in_a_v4_export_is_unique_and_renamed_ones_keep_their_original(
    svc: Services, tmp_path: Path
) -> None:
    svc.importer.import_bytes(_reusing_ids(12), source="reused.json")
    out = tmp_path / "v4.json"
    svc.exports.export("brightrun-v4", out)
    data = json.loads(out.read_text())
    pairs = [p for c in data["conversations"] for p in c["training_pairs"]]
    assert len(pairs) == 48 and len({p["id"] for p in pairs}) == 48
    assert len({p.get("original_id", p["id"]) for p in pairs}) == 4  # conflict_turn1..4
    renamed = [p for p in pairs if "original_id" in p]
    assert len(renamed) == 48 and all(p["id"].startswith(p["original_id"] + "_") for p in renamed)
    lines = [json.loads(line) for line in out.with_suffix(".jsonl").read_text().splitlines()[1:]]
    assert len(lines) == 24 and len({line["id"] for line in lines}) == 24


def test_a_conversation_that_repeats_a_pair_id_still_exports_unique_ids(svc: Services, tmp_path: Path) -> None:
    pairs = files.seed_pairs()
    for pair in pairs:
        pair["id"] = "same_id"
    data = files.training_file([("d0000000-0000-4000-8000-000000000001", pairs)])
    svc.importer.import_bytes(files.dumps(data), source="same.json")
    out = tmp_path / "v4.json"
    svc.exports.export("brightrun-v4", out)
    exported = json.loads(out.read_text())["conversations"][0]["training_pairs"]
    assert [p["id"] for p in exported] == ["same_id_d0000000", "same_id_d0000000_2", "same_id_d0000000_3"]
    assert {p["original_id"] for p in exported} == {"same_id"}
    lines = [json.loads(line) for line in out.with_suffix(".jsonl").read_text().splitlines()[1:]]
    assert [line["id"] for line in lines] == ["same_id_d0000000", "same_id_d0000000_2", "same_id_d0000000_3"]
    assert [line.get("original_id") for line in lines] == [None, "same_id", "same_id"]


@pytest.mark.parametrize("fmt", ["sharegpt", "hf"])
def test_example_ids_are_unique_in_the_other_formats(svc: Services, tmp_path: Path, fmt: str) -> None:
    svc.importer.import_bytes(_reusing_ids(5), source="reused.json")
    pairs = files.seed_pairs()
    for pair in pairs:
        pair["turn_number"] = 1  # one conversation whose pairs all claim the same turn
    svc.importer.import_bytes(
        files.dumps(files.training_file([("e0000000-0000-4000-8000-000000000001", pairs)])), source="same-turn.json"
    )
    out = tmp_path / ("hf" if fmt == "hf" else "s.jsonl")
    svc.exports.export(fmt, out, per_turn=True)
    if fmt == "hf":
        ids = [r["id"] for r in pq.read_table(out / "data" / "train.parquet").to_pylist()]
    else:
        ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert len(ids) == 5 * 2 + 3 and len(set(ids)) == len(ids)
