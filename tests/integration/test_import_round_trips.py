"""Issue 23: the round trip of every file class is exact, except where the import report says what changed and why.

Raw, enriched, seed-format, brightrun-lora-v4 JSON and its JSONL: imported, stored and exported again. The
only change is text escaped twice (a literal "\\n\\n"), which the report lists per conversation.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from core.bootstrap import Services, build_services
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES
from tests.support import import_files as files
from tests.support.paths import REFERENCE_DIR
from tests.support.reference_copies import complete_training_file, with_escapes_fixed

SEED_ID = "5eed0000-0000-4000-8000-0000000000aa"


def _blob(svc: Services, path: str | None) -> bytes:
    return svc.blobs.get(CONVERSATION_FILES, path or "")


def test_a_raw_file_is_stored_byte_for_byte(services: Services) -> None:
    path = REFERENCE_DIR / "raw-conversation.json"
    result = services.importer.import_path(path)
    assert result.unescaped == []
    assert _blob(services, services.db.conversations.get(result.imported[0]).raw_response_path) == path.read_bytes()


def test_an_enriched_file_is_stored_as_it_was_but_for_what_the_report_lists(services: Services) -> None:
    path = REFERENCE_DIR / "enriched-conversation.json"
    result = services.importer.import_path(path)
    [cid] = result.imported
    stored = json.loads(_blob(services, services.db.conversations.get(cid).enriched_file_path))
    original = json.loads(path.read_text())
    assert stored != original and result.unescaped == [cid]  # what changed is said
    assert stored == with_escapes_fixed(original)


def _seed_pairs() -> list[dict[str, Any]]:
    pairs = files.seed_pairs()
    for pair in pairs:
        pair["response_strategy"] = {"primary": "validate first"}
        pair["response_breakdown"] = [{"sentence": 1, "purpose": "validate"}]
        pair["training_metadata"] = {"demonstrates_skills": ["validation"], "quality_score": 5, "human_reviewed": True}
    return pairs


def test_a_seed_format_file_round_trips_with_its_extra_fields(services: Services, tmp_path: Path) -> None:
    pairs = _seed_pairs()
    data = files.enriched_file(copy.deepcopy(pairs), SEED_ID)
    services.importer.import_bytes(files.dumps(data), source="seed.json")
    row = services.db.conversations.get(SEED_ID)
    assert json.loads(_blob(services, row.enriched_file_path)) == data
    training = files.training_file([(SEED_ID, copy.deepcopy(pairs))])
    elsewhere = build_services(Settings(data_dir=tmp_path / "elsewhere"))
    elsewhere.importer.import_bytes(files.dumps(training), source="seed-training.json")
    out = tmp_path / "seed-out.json"
    elsewhere.exports.export("brightrun-v4", out)
    elsewhere.close()
    exported = json.loads(out.read_text())["conversations"][0]["training_pairs"]
    # The export tags each id with its conversation and keeps the id it came with (core.export.ids).
    assert [{"id": p.pop("original_id")} | {k: v for k, v in p.items() if k != "id"} for p in exported] == pairs


def _without_times(data: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in data["training_file_metadata"].items() if k not in ("created_date", "last_updated")}
    return data | {"training_file_metadata": meta}


def test_a_v4_json_and_its_jsonl_round_trip_exactly(services: Services, tmp_path: Path) -> None:
    services.importer.import_path(complete_training_file(tmp_path / "in"))
    first = tmp_path / "first.json"
    services.exports.export("brightrun-v4", first, file_name="F")
    # The JSON, imported elsewhere and exported again.
    again = build_services(Settings(data_dir=tmp_path / "json"))
    assert again.importer.import_path(first).unescaped == []  # already fixed on the first import
    second = tmp_path / "second.json"
    again.exports.export("brightrun-v4", second, file_name="F")
    again.close()
    assert _without_times(json.loads(second.read_text())) == _without_times(json.loads(first.read_text()))
    # The JSONL alone, imported elsewhere: its lines come back exactly.
    lines = build_services(Settings(data_dir=tmp_path / "jsonl"))
    report = lines.importer.import_path(first.with_suffix(".jsonl"))
    assert len(report.imported) == 3
    # What a JSONL cannot carry (the user turns without an answer), the report says; every line comes back.
    assert report.warnings == [
        "The JSONL has a line for 6 of the 15 training pairs of its training file (a user turn with no answer "
        "has no line); import the .json training file to keep every pair."
    ]
    third = tmp_path / "third.json"
    lines.exports.export("brightrun-v4", third, file_name="F")
    lines.close()
    meta, *records = third.with_suffix(".jsonl").read_text().splitlines()
    first_meta, *first_records = first.with_suffix(".jsonl").read_text().splitlines()
    assert records == first_records
    assert json.loads(meta) == {"_meta": json.loads(first_meta)["_meta"] | {"total_pairs": 6}}


def test_the_default_openai_export_of_the_earlier_files_holds_no_literal_escape(
    services: Services, tmp_path: Path
) -> None:
    services.importer.import_path(complete_training_file(tmp_path / "in"))
    result = services.exports.export("openai", tmp_path / "o.jsonl")
    text = (tmp_path / "o.jsonl").read_text()
    assert "\\\\n" not in text and '\\\\\\"' not in text  # no backslash-n left as two characters
    report = services.exports.validate(result, load_with_datasets=False)
    assert not [w for w in report.warnings if "literal escape" in w]
