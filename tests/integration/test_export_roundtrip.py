"""Import the reference v4 file, export it again: same conversations, pairs and metadata."""

from __future__ import annotations

import json
from pathlib import Path

from core.bootstrap import Services, build_services
from core.settings import Settings
from tests.support.paths import REFERENCE_DIR

REFERENCE = REFERENCE_DIR / "training-file-brightrun-lora-v4.json"


def _without_timestamps(data: dict) -> dict:
    meta = data["training_file_metadata"]
    return data | {
        "training_file_metadata": {k: v for k, v in meta.items() if k not in ("created_date", "last_updated")}
    }


def test_reference_training_file_round_trips(services: Services, tmp_path: Path) -> None:
    services.importer.import_path(REFERENCE)
    out = tmp_path / "File 2a.json"
    services.exports.export("brightrun-v4", out, status="approved")
    exported, reference = json.loads(out.read_text()), json.loads(REFERENCE.read_text())
    assert _without_timestamps(exported) == _without_timestamps(reference)
    assert list(exported["training_file_metadata"]) == list(reference["training_file_metadata"])


def test_an_exported_file_imported_elsewhere_exports_the_same_again(services: Services, tmp_path: Path) -> None:
    services.importer.import_path(REFERENCE)
    first = tmp_path / "first.json"
    services.exports.export("brightrun-v4", first, file_name="F")
    elsewhere = build_services(Settings(data_dir=tmp_path / "elsewhere"))
    assert len(elsewhere.importer.import_path(first).imported) == 3
    second = tmp_path / "second.json"
    elsewhere.exports.export("brightrun-v4", second, file_name="F")
    elsewhere.close()
    assert _without_timestamps(json.loads(second.read_text())) == _without_timestamps(json.loads(first.read_text()))
    assert second.with_suffix(".jsonl").read_text() == first.with_suffix(".jsonl").read_text()
