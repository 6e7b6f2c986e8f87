"""The pipeline end to end on both backends: status transitions, bad input, retry, determinism."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.bootstrap import Services
from core.conversations.store import Provenance
from core.models.conversation import Conversation
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES, LocalBlobStore
from core.storage.database import Database
from tests.support.paths import REFERENCE_DIR

REFERENCE = REFERENCE_DIR
RAW_TEXT = (REFERENCE / "raw-conversation.json").read_text("utf-8")


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Iterator[Services]:
    services = Services(
        settings=Settings(data_dir=tmp_path / "data"), db=db, blobs=LocalBlobStore(tmp_path / "buckets")
    )
    install_defaults(services.scaffolding)
    yield services


def _ingest(svc: Services, text: str = RAW_TEXT) -> str:
    return svc.conversations.ingest(
        text, Provenance(expert=svc.scaffolding.active_expert()), source="imported"
    ).conversation_id


def _watch_statuses(svc: Services, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every enrichment_status the pipeline writes, in order."""
    seen: list[str] = []
    service = svc.enrichment
    original = service._set

    def spy(conversation_id, conn=None, **values):
        if "enrichment_status" in values:
            seen.append(values["enrichment_status"])
        return original(conversation_id, conn, **values)

    monkeypatch.setattr(service, "_set", spy)
    return seen


def test_a_valid_conversation_walks_every_status_to_completed(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    cid = _ingest(svc)
    seen = _watch_statuses(svc, monkeypatch)
    outcome = svc.enrichment.run_one(cid)
    assert seen == ["validated", "enrichment_in_progress", "enriched", "completed"]
    assert outcome.stages_completed == ["validation", "enrichment", "normalization", "storage", "finalize"]
    row = svc.db.conversations.get(cid)
    assert row.validation_report["is_valid"] and row.enriched_file_size == len(
        svc.blobs.get(CONVERSATION_FILES, row.enriched_file_path)
    )
    assert 1.0 <= row.quality_score <= 5.0 and row.quality_details["rules"]["score"] == row.quality_score


def test_broken_raw_json_ends_validation_failed_and_the_batch_goes_on(svc: Services, monkeypatch) -> None:
    broken, good = _ingest(svc, '{"conversation_metadata": {"client_persona": "x"'), _ingest(svc)
    seen = _watch_statuses(svc, monkeypatch)
    summary = svc.enrichment.run_many([broken, good])
    assert (summary.failed, summary.succeeded) == (1, 1) and seen[0] == "validation_failed"
    row = svc.db.conversations.get(broken)
    assert row.enrichment_status == "validation_failed"
    assert [b["code"] for b in row.validation_report["blockers"]] == ["INVALID_JSON_SYNTAX"]


def test_warnings_are_kept_in_the_report_of_a_completed_conversation(svc: Services) -> None:
    data = json.loads(RAW_TEXT)
    del data["turns"][0]["emotional_context"]["secondary_emotion"]
    cid = _ingest(svc, json.dumps(data))
    svc.enrichment.run_one(cid)
    row = svc.db.conversations.get(cid)
    assert row.enrichment_status == "completed"
    assert [w["field"] for w in row.validation_report["warnings"]] == ["turns[0].emotional_context.secondary_emotion"]


def test_completed_conversations_are_skipped_and_not_pending(svc: Services) -> None:
    cid = _ingest(svc)
    svc.enrichment.run_pending()
    assert svc.enrichment.pending_ids() == []
    assert svc.enrichment.run_one(cid).outcome == "skipped"


def test_retry_resets_a_failed_conversation_and_runs_it_again(svc: Services) -> None:
    cid = _ingest(svc, '{"conversation_metadata": {')
    svc.enrichment.run_one(cid)
    assert svc.enrichment.failed_ids() == [cid]
    row = svc.db.conversations.get(cid)
    svc.blobs.put(CONVERSATION_FILES, row.raw_response_path, RAW_TEXT.encode())  # the stored reply is fixed
    assert svc.enrichment.retry([cid]).succeeded == 1
    assert svc.enrichment.failed_ids() == [] and svc.db.conversations.get(cid).enrichment_error is None


def test_re_enriching_gives_byte_identical_files(svc: Services) -> None:
    cid = _ingest(svc)
    svc.enrichment.run_one(cid)
    path = svc.db.conversations.get(cid).enriched_file_path
    first = svc.blobs.get(CONVERSATION_FILES, path)
    svc.enrichment.run_one(cid, force=True)
    assert svc.blobs.get(CONVERSATION_FILES, path) == first


def test_the_generation_snapshot_system_prompt_is_written_into_every_pair(svc: Services) -> None:
    snapshot = {"system_prompt": "You are Maya, generated with this exact prompt."}
    row = svc.conversations.ingest(RAW_TEXT, Provenance(snapshot=snapshot))
    svc.enrichment.run_one(row.conversation_id)
    enriched = svc.conversations.read_json(svc.db.conversations.get(row.conversation_id).enriched_file_path)
    assert {p["system_prompt"] for p in enriched["training_pairs"]} == {snapshot["system_prompt"]}


def test_without_an_expert_profile_the_run_fails_with_a_fix(db: Database, tmp_path: Path) -> None:
    bare = Services(settings=Settings(data_dir=tmp_path), db=db, blobs=LocalBlobStore(tmp_path / "b"))
    cid = bare.conversations.ingest(RAW_TEXT, Provenance()).conversation_id
    outcome = bare.enrichment.run_one(cid)
    assert outcome.outcome == "failed" and outcome.error.startswith("enrichment: There is no expert profile")
    assert bare.db.conversations.get(cid).enrichment_status == "enrichment_failed"
    assert outcome.final_status == "enrichment_failed" and "Scaffolding page" in (outcome.hint or "")
    assert bare.enrichment.failed_ids() == [cid]


def test_an_imported_enriched_conversation_is_skipped_but_gets_a_measured_score(svc: Services) -> None:
    result = svc.importer.import_path(REFERENCE / "enriched-conversation.json")
    [cid] = result.imported
    outcome = svc.enrichment.run_one(cid)
    row = svc.db.conversations.get(cid)
    assert outcome.outcome == "skipped" and row.enrichment_status == "completed"
    assert row.quality_score == row.quality_details["rules"]["score"] == outcome.quality_score


def test_m0009_lets_a_database_store_the_enrichment_failed_status(db: Database) -> None:
    from core.models.statuses import ENRICHMENT_STATUSES
    from core.storage.migrations.m0009_enrichment_failed_status import ENRICHMENT_STATUSES as WRITTEN_OUT

    assert WRITTEN_OUT == ENRICHMENT_STATUSES  # the migration and the model agree
    row = Conversation(enrichment_status="enrichment_failed")
    db.conversations.add(row)
    assert db.conversations.get(row.conversation_id).enrichment_status == "enrichment_failed"
