"""Import a v4 file, export it again: same conversations, pairs and metadata, and what the file carried."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.bootstrap import Services, build_services
from core.settings import Settings
from tests.support.paths import REFERENCE_DIR
from tests.support.reference_copies import complete_training_file, with_escapes_fixed

REFERENCE = REFERENCE_DIR / "training-file-brightrun-lora-v4.json"


def _without_timestamps(data: dict) -> dict:
    meta = data["training_file_metadata"]
    return data | {
        "training_file_metadata": {k: v for k, v in meta.items() if k not in ("created_date", "last_updated")}
    }


def _with_original_ids(data: dict) -> dict:
    for conversation in data["conversations"]:
        conversation["training_pairs"] = [
            {"id": p.pop("original_id")} | {k: v for k, v in p.items() if k != "id"} if "original_id" in p else p
            for p in conversation["training_pairs"]
        ]
    return data


def test_reference_training_file_round_trips_with_truncated_ones_included(services: Services, tmp_path: Path) -> None:
    report = services.importer.import_path(REFERENCE)
    out = tmp_path / "File 2a.json"
    services.exports.export("brightrun-v4", out, status="all", include_truncated=True)
    exported, reference = json.loads(out.read_text()), json.loads(REFERENCE.read_text())
    # Exact, except what the report says it changed (issue 23): text escaped twice ("\\n\\n"), now un-escaped.
    assert sorted(report.unescaped) == sorted(
        c["conversation_metadata"]["conversation_id"] for c in reference["conversations"]
    )
    assert _with_original_ids(_without_timestamps(exported)) == with_escapes_fixed(_without_timestamps(reference))
    assert list(exported["training_file_metadata"]) == list(reference["training_file_metadata"])


def test_an_exported_file_imported_elsewhere_exports_the_same_again(services: Services, tmp_path: Path) -> None:
    services.importer.import_path(REFERENCE)
    first = tmp_path / "first.json"
    services.exports.export("brightrun-v4", first, file_name="F", status="all", include_truncated=True)
    elsewhere = build_services(Settings(data_dir=tmp_path / "elsewhere"))
    assert len(elsewhere.importer.import_path(first).imported) == 3
    second = tmp_path / "second.json"
    elsewhere.exports.export("brightrun-v4", second, file_name="F", status="all", include_truncated=True)
    elsewhere.close()
    assert _without_timestamps(json.loads(second.read_text())) == _without_timestamps(json.loads(first.read_text()))
    assert second.with_suffix(".jsonl").read_text() == first.with_suffix(".jsonl").read_text()


def _carrying_extras(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A whole training file whose metadata holds target_model, batch_id, a short persona_name and unknown keys."""
    data = json.loads(complete_training_file(tmp_path / "in").read_text())
    data["training_file_metadata"] = (
        {k: v for k, v in data["training_file_metadata"].items() if k != "vertical"}
        | {"target_model": "claude-sonnet-4-5", "vertical": "financial_planning_consultant"}
        | {"curator_note": {"kept": True}}
    )
    for index, conversation in enumerate(data["conversations"]):
        meta = conversation["conversation_metadata"]
        meta["scaffolding"]["persona_name"] = f"Client {index}"
        meta["batch_id"] = f"batch-{index}"
        meta["scaffolding"]["lens"] = "unknown-to-us"
        conversation["reviewer_flag"] = ["unknown", index]
    path = tmp_path / "extras.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path, data


def test_round_trip_keeps_persona_name_target_model_batch_id_and_unknown_fields(
    services: Services, tmp_path: Path
) -> None:
    path, original = _carrying_extras(tmp_path)
    report = services.importer.import_path(path)
    assert len(report.unescaped) == 3  # the only change, and the report says so (issue 23)
    out = tmp_path / "out.json"
    services.exports.export("brightrun-v4", out, file_name="extras")
    exported = json.loads(out.read_text())
    meta = exported["training_file_metadata"]
    assert meta["target_model"] == "claude-sonnet-4-5" and meta["curator_note"] == {"kept": True}
    assert list(meta)[:7] == [
        "file_name",
        "version",
        "created_date",
        "last_updated",
        "format_spec",
        "target_model",
        "vertical",
    ]
    for index, conversation in enumerate(exported["conversations"]):
        conv_meta = conversation["conversation_metadata"]
        assert conv_meta["scaffolding"]["persona_name"] == f"Client {index}"
        assert conv_meta["scaffolding"]["lens"] == "unknown-to-us"
        assert conv_meta["batch_id"] == f"batch-{index}"
        assert conversation["reviewer_flag"] == ["unknown", index]
    assert _with_original_ids(_without_timestamps(exported))["conversations"] == with_escapes_fixed(
        original["conversations"]
    )
