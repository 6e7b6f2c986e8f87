"""Training files on both backends: create, add (duplicates refused whole), archive; rows equal files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.bootstrap import Services
from core.errors import ConflictError, ExportError, ValidationError
from core.settings import Settings
from core.storage.blobs import LocalBlobStore
from core.storage.database import Database
from tests.support.paths import REFERENCE_DIR
from tests.support.reference_copies import complete_training_file

REFERENCE = REFERENCE_DIR


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Services:
    services = Services(settings=Settings(data_dir=tmp_path / "data"), db=db, blobs=LocalBlobStore(tmp_path / "b"))
    services.importer.import_path(complete_training_file(tmp_path / "in"))
    return services


def _ids(svc: Services) -> list[str]:
    return [r.conversation_id for r in svc.db.conversations.list(order_by=("created_at", "conversation_id"))]


def _assert_row_equals_files(svc: Services, name: str) -> dict:
    row = svc.training_files.get(name)
    data = json.loads(svc.training_files.read(name, "json"))
    meta, quality = data["training_file_metadata"], data["training_file_metadata"]["quality_summary"]
    assert (row.conversation_count, row.total_training_pairs) == (
        meta["total_conversations"],
        meta["total_training_pairs"],
    )
    assert row.conversation_count == len(data["conversations"]) == len(svc.training_files.member_ids(row.id))
    assert (row.avg_quality_score, row.min_quality_score, row.max_quality_score) == (
        quality["avg_quality_score"],
        quality["min_quality_score"],
        quality["max_quality_score"],
    )
    assert row.scaffolding_distribution == meta["scaffolding_distribution"]
    assert row.json_file_size == len(svc.training_files.read(name, "json"))
    assert row.json_file_path == f"{row.id}/training.json"
    return data


def test_create_from_the_default_filter_stores_both_files_matching_the_row(svc: Services) -> None:
    svc.training_files.create("Set A")
    data = _assert_row_equals_files(svc, "Set A")
    assert [c["conversation_metadata"]["conversation_id"] for c in data["conversations"]] == _ids(svc)
    jsonl = svc.training_files.read("Set A", "jsonl").decode().split("\n")
    assert json.loads(jsonl[0])["_meta"]["total_pairs"] == 15 and len(jsonl) == 7


def test_add_appends_in_order_and_counts_follow(svc: Services) -> None:
    first, *rest = _ids(svc)
    svc.training_files.create("Set B", conversation_ids=[first])
    svc.training_files.add("Set B", rest)
    data = _assert_row_equals_files(svc, "Set B")
    assert [c["conversation_metadata"]["conversation_id"] for c in data["conversations"]] == [first, *rest]


def test_add_with_any_conversation_already_in_the_file_is_refused_with_the_list(svc: Services) -> None:
    first, second, third = _ids(svc)
    svc.training_files.create("Set C", conversation_ids=[first, second])
    with pytest.raises(ConflictError, match=second):
        svc.training_files.add("Set C", [third, second])
    assert svc.training_files.member_ids(svc.training_files.get("Set C").id) == [first, second]


def test_conversations_without_completed_enrichment_are_listed_and_nothing_is_written(svc: Services) -> None:
    raw = svc.importer.import_path(REFERENCE / "raw-conversation.json").imported[0]
    with pytest.raises(ValidationError) as err:
        svc.training_files.create("Set D", conversation_ids=[_ids(svc)[0], raw])
    assert any(raw in p and "not_started" in p for p in err.value.problems)
    assert svc.db.training_files.count() == 0


def test_archive_hides_the_file_from_the_list_and_blocks_adding(svc: Services) -> None:
    first, second, _ = _ids(svc)
    svc.training_files.create("Set E", conversation_ids=[first])
    svc.training_files.archive("Set E")
    assert [f.name for f in svc.training_files.list_files()] == []
    with pytest.raises(ConflictError, match="archived"):
        svc.training_files.add("Set E", [second])


def test_a_member_that_lost_its_enrichment_stops_a_rebuild_instead_of_vanishing(svc: Services) -> None:
    first, second, third = _ids(svc)
    svc.training_files.create("Set F", conversation_ids=[first, second])
    svc.db.conversations.update(first, enrichment_status="enrichment_in_progress")
    with pytest.raises(ExportError, match="can no longer be exported"):
        svc.training_files.add("Set F", [third])
    assert svc.training_files.get("Set F").conversation_count == 2
