"""Import of the earlier system's real files: every format, repeats, truncation, bad input."""

from __future__ import annotations

import json

import pytest

from core.bootstrap import Services
from core.errors import ImportFormatError, StorageError
from core.storage.blobs import CONVERSATION_FILES
from tests.support.paths import REFERENCE_DIR

REFERENCE = REFERENCE_DIR


def test_a_raw_conversation_is_stored_exactly_and_parsed(services: Services) -> None:
    result = services.importer.import_path(REFERENCE / "raw-conversation.json")
    row = services.db.conversations.get(result.imported[0])
    raw = services.blobs.get(CONVERSATION_FILES, row.raw_response_path or "")
    assert raw == (REFERENCE / "raw-conversation.json").read_bytes()
    assert row.processing_status == "parsed" and row.turn_count == 8 and not row.is_truncated
    assert row.conversation_name.startswith("Alex Rivera")
    assert row.enrichment_status == "not_started"


def test_importing_the_same_file_twice_adds_nothing(services: Services) -> None:
    services.importer.import_path(REFERENCE / "raw-conversation.json")
    again = services.importer.import_path(REFERENCE / "raw-conversation.json")
    assert again.imported == [] and len(again.skipped) == 1
    assert services.db.conversations.count() == 1


def test_the_truncated_reference_is_marked_truncated(services: Services) -> None:
    result = services.importer.import_path(REFERENCE / "raw-conversation-truncated.json")
    row = services.db.conversations.get(result.imported[0])
    assert result.truncated == result.imported
    assert row.is_truncated and row.truncation_pattern == "truncated_escape_sequence"


def test_an_enriched_file_keeps_its_real_id_and_enriched_blob(services: Services) -> None:
    result = services.importer.import_path(REFERENCE / "enriched-conversation.json")
    assert result.imported == ["330dc058-6d75-4609-96f7-b6e87b39f536"]
    row = services.db.conversations.get(result.imported[0])
    assert row.enrichment_status == "completed" and row.turn_count == 5
    enriched = json.loads(services.blobs.get(CONVERSATION_FILES, row.enriched_file_path or ""))
    assert enriched == json.loads((REFERENCE / "enriched-conversation.json").read_text())


def test_a_training_file_imports_each_conversation_as_approved(services: Services) -> None:
    result = services.importer.import_path(REFERENCE / "training-file-brightrun-lora-v4.json")
    assert len(result.imported) == 3
    rows = [services.db.conversations.get(cid) for cid in result.imported]
    assert {r.review_status for r in rows} == {"approved"}
    assert {r.enrichment_status for r in rows} == {"completed"}
    assert all(r.turn_count == 5 for r in rows)


def test_a_conversation_already_present_in_another_format_is_skipped(services: Services) -> None:
    services.importer.import_path(REFERENCE / "enriched-conversation.json")
    result = services.importer.import_path(REFERENCE / "training-file-brightrun-lora-v4.json")
    assert len(result.imported) == 2 and len(result.skipped) == 1


def test_invalid_json_names_line_and_column_and_stores_nothing(services: Services) -> None:
    with pytest.raises(ImportFormatError, match=r"line 3, column 1"):
        services.importer.import_bytes(b'{\n  "turns": [\n', source="broken.json")
    assert services.db.conversations.count() == 0


def test_json_of_another_shape_is_refused_with_the_formats_we_read(services: Services) -> None:
    with pytest.raises(ImportFormatError, match="not a file Bright Run can import") as info:
        services.importer.import_bytes(b'{"hello": "world"}', source="other.json")
    assert "brightrun-lora-v4" in info.value.user_message


def test_an_oversized_upload_is_refused_before_parsing(services: Services) -> None:
    services.importer.max_bytes = 10
    with pytest.raises(ImportFormatError, match="upload limit"):
        services.importer.import_bytes(b"[" + b"1," * 20 + b"1]", source="big.json")


def test_a_failure_midway_through_a_training_file_leaves_nothing_behind(services: Services) -> None:
    data = json.loads((REFERENCE / "training-file-brightrun-lora-v4.json").read_text())
    data["conversations"][2]["training_pairs"] = "broken"
    with pytest.raises(ImportFormatError, match="Conversation 3"):
        services.importer.import_bytes(json.dumps(data).encode(), source="half.json")
    assert services.db.conversations.count() == 0
    assert services.blobs.list(CONVERSATION_FILES) == []


def test_a_storage_fault_midway_removes_what_the_file_had_stored(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_ingest, calls = services.conversations.ingest, []

    def flaky_ingest(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise StorageError("disk full")
        return real_ingest(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(services.conversations, "ingest", flaky_ingest)
    with pytest.raises(StorageError, match="disk full"):
        services.importer.import_path(REFERENCE / "training-file-brightrun-lora-v4.json")
    assert services.db.conversations.count() == 0
    assert services.blobs.list(CONVERSATION_FILES) == []
