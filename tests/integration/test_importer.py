"""Import of the earlier system's files and our own, on SQLite and on the real PostgreSQL.

Every format, repeats in any order, truncation held for review, seed-format pairs rebuilt into turns,
JSONL, and files that cannot be imported refused whole.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.bootstrap import Services
from core.errors import ImportFormatError, StorageError
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES, LocalBlobStore
from core.storage.database import Database
from tests.support import import_files as files
from tests.support.paths import REFERENCE_DIR
from tests.support.reference_copies import complete_training_file, with_escapes_fixed

REFERENCE = REFERENCE_DIR
SEED_ID = "5eed0000-0000-4000-8000-000000000001"


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Services:
    data = tmp_path / "data"
    return Services(settings=Settings(data_dir=data), db=db, blobs=LocalBlobStore(data / "buckets"))


def _turns(svc: Services, cid: str) -> list[tuple[str, str]]:
    row = svc.db.conversations.get(cid)
    parsed = svc.conversations.read_json(row.file_path)
    assert parsed is not None
    return [(t["role"], t["content"]) for t in parsed["turns"]]


# -- the formats ---------------------------------------------------------------------------------
def test_a_raw_conversation_is_stored_exactly_and_parsed(svc: Services) -> None:
    result = svc.importer.import_path(REFERENCE / "raw-conversation.json")
    row = svc.db.conversations.get(result.imported[0])
    raw = svc.blobs.get(CONVERSATION_FILES, row.raw_response_path or "")
    assert raw == (REFERENCE / "raw-conversation.json").read_bytes()
    assert row.processing_status == "parsed" and row.turn_count == 8 and not row.is_truncated
    assert row.conversation_name.startswith("Alex Rivera")
    assert row.enrichment_status == "not_started"


def test_importing_the_same_file_twice_adds_nothing(svc: Services) -> None:
    first = svc.importer.import_path(REFERENCE / "raw-conversation.json")
    again = svc.importer.import_path(REFERENCE / "raw-conversation.json")
    assert again.imported == [] and again.skipped == first.imported
    assert "already imported" in again.outcomes[0].reason
    assert svc.db.conversations.count() == 1


def test_the_truncated_reference_is_marked_truncated(svc: Services) -> None:
    result = svc.importer.import_path(REFERENCE / "raw-conversation-truncated.json")
    row = svc.db.conversations.get(result.imported[0])
    assert result.truncated == result.imported
    assert row.is_truncated and row.truncation_pattern == "truncated_escape_sequence"


def test_an_enriched_file_keeps_its_real_id_and_enriched_blob(svc: Services) -> None:
    result = svc.importer.import_path(REFERENCE / "enriched-conversation.json")
    assert result.imported == ["330dc058-6d75-4609-96f7-b6e87b39f536"]
    row = svc.db.conversations.get(result.imported[0])
    assert row.enrichment_status == "completed" and row.turn_count == 5
    enriched = json.loads(svc.blobs.get(CONVERSATION_FILES, row.enriched_file_path or ""))
    # Issue 23: one answer (and the history repeating it) holds a literal "\n\n" (escaped twice); the import fixes them and says so.
    assert enriched == with_escapes_fixed(json.loads((REFERENCE / "enriched-conversation.json").read_text()))
    assert result.unescaped == result.imported and result.outcomes[0].unescaped == 1
    assert "escaped twice" in result.summary()


def test_a_training_file_imports_whole_conversations_as_approved(svc: Services, tmp_path: Path) -> None:
    result = svc.importer.import_path(complete_training_file(tmp_path / "in"))
    assert len(result.imported) == 3
    rows = [svc.db.conversations.get(cid) for cid in result.imported]
    assert {r.review_status for r in rows} == {"approved"}
    assert {r.enrichment_status for r in rows} == {"completed"}
    assert all(r.turn_count == 5 for r in rows)


# -- truncation ----------------------------------------------------------------------------------
def test_truncated_conversations_of_a_training_file_are_held_for_review_not_approved(svc: Services) -> None:
    result = svc.importer.import_path(REFERENCE / "training-file-brightrun-lora-v4.json")
    rows = {cid: svc.db.conversations.get(cid) for cid in result.imported}
    held = sorted(cid for cid, r in rows.items() if r.review_status == "pending_review")
    assert held == sorted(result.truncated) and len(held) == 2
    for cid in held:
        assert rows[cid].is_truncated and rows[cid].reviewed_by is None
        assert "mid-sentence" in (rows[cid].review_notes or "")
    assert [r.review_status for cid, r in rows.items() if cid not in held] == ["approved"]


def test_an_answer_cut_off_mid_sentence_without_a_backslash_is_truncated_too(svc: Services) -> None:
    cut = [*files.EXCHANGES[:2], ("And the taxes?", "The taxes depend on how long the funds were held, and")]
    data = files.training_file([("cut00000-0000-4000-8000-000000000001", files.seed_pairs(cut))])
    result = svc.importer.import_bytes(files.dumps(data), source="cut.json")
    row = svc.db.conversations.get(result.imported[0])
    assert row.is_truncated and row.truncation_pattern == "ends_mid_sentence"
    assert row.review_status == "pending_review"


# -- seed-format pairs ---------------------------------------------------------------------------
def test_a_seed_format_enriched_file_is_rebuilt_into_user_and_assistant_turns(svc: Services) -> None:
    data = files.enriched_file(files.seed_pairs(), SEED_ID)
    result = svc.importer.import_bytes(files.dumps(data), source="seed.json")
    assert result.imported == [SEED_ID]
    expected = [(role, text) for q, a in files.EXCHANGES for role, text in (("user", q), ("assistant", a))]
    assert _turns(svc, SEED_ID) == expected
    assert svc.db.conversations.get(SEED_ID).turn_count == 6


def test_a_seed_format_conversation_exports_to_openai_with_every_user_message(svc: Services, tmp_path: Path) -> None:
    data = files.training_file([(SEED_ID, files.seed_pairs())])
    svc.importer.import_bytes(files.dumps(data), source="seed-training.json")
    result = svc.exports.export("openai", tmp_path / "o.jsonl")
    [line] = (tmp_path / "o.jsonl").read_text().splitlines()
    roles = [m["role"] for m in json.loads(line)["messages"]]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user", "assistant"]
    assert svc.exports.validate(result, load_with_datasets=False).ok


def test_pairs_that_cannot_be_rebuilt_are_refused_with_the_reason_and_nothing_is_stored(svc: Services) -> None:
    pairs = files.seed_pairs()
    pairs[1]["current_user_input"] = ""
    with pytest.raises(ImportFormatError, match="training pair 2 answers no user input") as info:
        svc.importer.import_bytes(files.dumps(files.enriched_file(pairs, SEED_ID)), source="partial.json")
    assert info.value.message.startswith("partial.json: ")
    assert svc.db.conversations.count() == 0 and svc.blobs.list(CONVERSATION_FILES) == []


# -- import order --------------------------------------------------------------------------------
def _state(svc: Services, cid: str) -> tuple[str, str, list[tuple[str, str]], object]:
    row = svc.db.conversations.get(cid)
    pairs = (svc.conversations.read_json(row.enriched_file_path) or {})["training_pairs"]
    return row.review_status, row.enrichment_status, _turns(svc, cid), pairs


@pytest.mark.parametrize("first", ["enriched", "training"])
def test_order_does_not_decide_the_outcome_and_the_report_says_which_won(svc: Services, first: str) -> None:
    enriched = files.dumps(files.enriched_file(files.per_turn_pairs(), SEED_ID))
    training = files.dumps(files.training_file([(SEED_ID, files.per_turn_pairs())]))
    order = [("e.json", enriched), ("t.json", training)]
    if first == "training":
        order.reverse()
    results = [svc.importer.import_bytes(data, source=name) for name, data in order]
    assert svc.db.conversations.count() == 1
    status, enrichment, turns, _pairs = _state(svc, SEED_ID)
    assert (status, enrichment, len(turns)) == ("approved", "completed", 6)
    # Issue 23 changed the wording: the report says which copy's content and review record won, and why.
    second = results[1].outcomes[0]
    if first == "enriched":
        assert second.action == "replaced" and second.content_from == "this file"
        assert second.reason.startswith("content from this file (a training file, 6 turns, 6 pairs): the same turns")
    else:
        assert second.action == "skipped" and second.content_from == "the stored copy"
        assert second.reason.startswith("content kept from the stored copy (a training file, 6 turns, 6 pairs)")
    assert second.review_from == ("the stored copy" if first == "training" else "this file")


def test_a_conversation_a_reviewer_worked_on_is_never_replaced(svc: Services) -> None:
    svc.importer.import_bytes(files.dumps(files.enriched_file(files.per_turn_pairs(), SEED_ID)), source="e.json")
    svc.db.conversations.update(SEED_ID, review_status="rejected", reviewed_by="reviewer-1")
    result = svc.importer.import_bytes(
        files.dumps(files.training_file([(SEED_ID, files.per_turn_pairs())])), source="t.json"
    )
    assert result.skipped == [SEED_ID] and "reviewer" in result.outcomes[0].reason
    assert svc.db.conversations.get(SEED_ID).review_status == "rejected"


# -- JSONL ---------------------------------------------------------------------------------------
def test_the_projects_own_jsonl_companion_imports(svc: Services, tmp_path: Path) -> None:
    svc.importer.import_path(complete_training_file(tmp_path / "in"))
    out = tmp_path / "export" / "set.json"
    svc.exports.export("brightrun-v4", out)
    # The JSONL holds answered pairs only: a conversation's closing user turn (no answer) is not in it.
    before = {r.conversation_id: _turns(svc, r.conversation_id)[:4] for r in svc.db.conversations.list()}
    for row in svc.db.conversations.list():
        svc.importer._remove(row)
    result = svc.importer.import_path(out.with_suffix(".jsonl"))
    assert result.format == "jsonl" and sorted(result.imported) == sorted(before)
    assert {cid: _turns(svc, cid) for cid in result.imported} == before
    assert {svc.db.conversations.get(c).review_status for c in result.imported} == {"approved"}


def test_an_earlier_brightrun_lora_v4_jsonl_imports(svc: Services) -> None:
    records = [
        {"id": f"{p['id']}_{SEED_ID[:8]}", "conversation_id": SEED_ID}
        | {k: v for k, v in p.items() if k not in ("id", "conversation_id")}
        for p in files.seed_pairs()
    ]
    data = files.jsonl({"file_name": "Earlier", "total_pairs": 6, "version": "4.0.0"}, records)
    result = svc.importer.import_bytes(data, source="earlier.jsonl")
    assert result.imported == [SEED_ID]
    assert len(_turns(svc, SEED_ID)) == 6
    enriched = svc.conversations.read_json(svc.db.conversations.get(SEED_ID).enriched_file_path) or {}
    assert [p["id"] for p in enriched["training_pairs"]] == [
        "inheritance_turn1",
        "inheritance_turn2",
        "inheritance_turn3",
    ]


def test_a_jsonl_file_that_cannot_be_imported_says_it_is_jsonl_and_what_to_do(svc: Services) -> None:
    chat = files.jsonl(None, [{"messages": [{"role": "user", "content": "hi"}]}] * 2)
    with pytest.raises(ImportFormatError, match=r"chat.jsonl is JSONL .* line 1 is not a brightrun-lora-v4") as info:
        svc.importer.import_bytes(chat, source="chat.jsonl")
    assert ".json training file" in (info.value.hint or "")
    broken = b'{"_meta": {"file_name": "x"}}\n{"id": "a", oops}\n'
    with pytest.raises(ImportFormatError, match=r"broken.jsonl is JSONL .*line 2 is not valid JSON"):
        svc.importer.import_bytes(broken, source="broken.jsonl")
    assert svc.db.conversations.count() == 0


# -- NUL characters ------------------------------------------------------------------------------
def test_a_nul_in_message_text_is_removed_the_same_way_on_both_backends(svc: Services) -> None:
    data = files.raw_file()
    data["turns"][1]["content"] = "Let's open\u0000 the statement together."
    result = svc.importer.import_bytes(files.dumps(data), source="nul.json")
    assert _turns(svc, result.imported[0])[1] == ("assistant", "Let's open the statement together.")
    assert "NUL" in result.warnings[0]
    raw = svc.blobs.get(CONVERSATION_FILES, svc.db.conversations.get(result.imported[0]).raw_response_path or "")
    assert b"\\u0000" not in raw


# -- nothing partial -----------------------------------------------------------------------------
def test_a_failure_midway_through_a_training_file_leaves_nothing_behind(svc: Services) -> None:
    data = json.loads((REFERENCE / "training-file-brightrun-lora-v4.json").read_text())
    data["conversations"][2]["training_pairs"] = "broken"
    with pytest.raises(ImportFormatError, match="conversation 3"):
        svc.importer.import_bytes(json.dumps(data).encode(), source="half.json")
    assert svc.db.conversations.count() == 0
    assert svc.blobs.list(CONVERSATION_FILES) == []


def test_a_storage_fault_midway_removes_what_the_file_had_stored(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_ingest, calls = svc.conversations.ingest, []

    def flaky_ingest(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise StorageError("disk full")
        return real_ingest(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(svc.conversations, "ingest", flaky_ingest)
    with pytest.raises(StorageError, match="disk full"):
        svc.importer.import_path(REFERENCE / "training-file-brightrun-lora-v4.json")
    assert svc.db.conversations.count() == 0
    assert svc.blobs.list(CONVERSATION_FILES) == []


def test_invalid_json_names_line_and_column_and_stores_nothing(svc: Services) -> None:
    with pytest.raises(ImportFormatError, match=r"line 3, column 1"):
        svc.importer.import_bytes(b'{\n  "turns": [\n', source="broken.json")
    assert svc.db.conversations.count() == 0


def test_json_of_another_shape_is_refused_with_the_formats_we_read(svc: Services) -> None:
    with pytest.raises(ImportFormatError, match="not a file Bright Run can import") as info:
        svc.importer.import_bytes(b'{"hello": "world"}', source="other.json")
    assert "brightrun-lora-v4" in info.value.user_message


def test_two_owners_importing_the_same_file_each_get_their_own_copy(svc: Services) -> None:
    data = files.dumps(files.training_file([(SEED_ID, files.per_turn_pairs())]))
    first = svc.importer.import_bytes(data, source="t.json", created_by="11111111-1111-4111-8111-111111111111")
    second = svc.importer.import_bytes(data, source="t.json", created_by="22222222-2222-4222-8222-222222222222")
    again = svc.importer.import_bytes(data, source="t.json", created_by="22222222-2222-4222-8222-222222222222")
    assert first.imported == [SEED_ID] and len(second.imported) == 1 and second.imported != first.imported
    assert again.skipped == second.imported
    assert svc.db.conversations.count() == 2


def test_a_seed_format_conversation_re_enriches_into_user_and_assistant_pairs(svc: Services) -> None:
    install_defaults(svc.scaffolding)
    svc.importer.import_bytes(files.dumps(files.enriched_file(files.seed_pairs(), SEED_ID)), source="seed.json")
    outcome = svc.enrichment.run_one(SEED_ID, force=True)  # what a turn edit triggers
    assert outcome.outcome == "succeeded", outcome.error
    enriched = svc.conversations.read_json(svc.db.conversations.get(SEED_ID).enriched_file_path) or {}
    answers = [p["target_response"] is not None for p in enriched["training_pairs"]]
    assert answers == [False, True, False, True, False, True]
