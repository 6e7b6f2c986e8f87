"""Issue 23: precedence by content, one id whatever the order, and what the report says about it.

Fixtures of our own with the shape of the earlier system's files: a long enriched copy and a short training
copy of one conversation; the raw, enriched and training-file copies of another. Every import order must
end with the same conversations, ids and exports. On SQLite and on the real PostgreSQL.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from core.bootstrap import Services
from core.settings import Settings
from core.storage.blobs import LocalBlobStore
from core.storage.database import Database
from tests.conftest import _truncate_all
from tests.support import import_files as files

CID = "1a2b3c4d-0000-4000-8000-00000000abcd"
LONG = [
    *files.EXCHANGES,
    ("What if the market drops right after I move it?", "Then we buy in slowly, and the plan already allows for it."),
]


def _long_short() -> dict[str, bytes]:
    long_file = files.enriched_file(files.per_turn_pairs(LONG), CID)  # 8 turns, 8 pairs
    short_file = files.training_file([(CID, files.seed_pairs(LONG[:2]))])  # 4 turns, 2 pairs
    return {"long.json": files.dumps(long_file), "short.json": files.dumps(short_file)}


def _trio() -> dict[str, bytes]:
    return {
        "raw.json": files.dumps(files.raw_file()),
        "enriched.json": files.dumps(files.enriched_file(files.per_turn_pairs(), CID)),
        "training.json": files.dumps(files.training_file([(CID, files.per_turn_pairs())])),
    }


def _fresh(db: Database, folder: Path) -> Services:
    _truncate_all(db)
    return Services(settings=Settings(data_dir=folder), db=db, blobs=LocalBlobStore(folder / "buckets"))


def _without_times(data: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in data["training_file_metadata"].items() if k not in ("created_date", "last_updated")}
    conversations = [
        c | {"conversation_metadata": {k: v for k, v in c["conversation_metadata"].items() if k != "created_date"}}
        for c in data["conversations"]
    ]
    return data | {"training_file_metadata": meta, "conversations": conversations}


def _outcome(svc: Services, folder: Path) -> dict[str, Any]:
    """Everything an order could change: rows, their files' content, and the exports."""
    rows = {
        r.conversation_id: (r.turn_count, r.review_status, r.reviewed_by, r.enrichment_status)
        for r in svc.db.conversations.list()
    }
    pairs = {
        r.conversation_id: (svc.conversations.read_json(r.enriched_file_path) or {}).get("training_pairs")
        for r in svc.db.conversations.list()
    }
    out = folder / "export" / "set.json"
    svc.exports.export("brightrun-v4", out, status="all", file_name="set")
    svc.exports.export("openai", folder / "export" / "o.jsonl", status="all")
    return {
        "rows": rows,
        "pairs": pairs,
        "v4": _without_times(json.loads(out.read_text())),
        "jsonl": out.with_suffix(".jsonl").read_text(),
        "openai": (folder / "export" / "o.jsonl").read_text(),
    }


@pytest.mark.parametrize("make", [_trio, _long_short], ids=["raw-enriched-training", "long-short"])
def test_every_import_order_gives_the_same_conversations_ids_and_exports(
    db: Database, tmp_path: Path, make: Any
) -> None:
    named = make()
    seen: dict[tuple[str, ...], dict[str, Any]] = {}
    for number, order in enumerate(itertools.permutations(named)):
        svc = _fresh(db, tmp_path / f"order{number}")
        for name in order:
            svc.importer.import_bytes(named[name], source=name)
        seen[order] = _outcome(svc, tmp_path / f"order{number}")
    first = next(iter(seen.values()))
    assert list(first["rows"]) == [CID]  # the earlier system's id, whichever copy came first
    for order, outcome in seen.items():
        assert outcome == first, f"import order {order} ended differently"


def test_a_shorter_copy_never_replaces_a_fuller_one_and_its_review_record_is_carried(svc_db: Services) -> None:
    named = _long_short()
    svc_db.importer.import_bytes(named["long.json"], source="long.json")
    result = svc_db.importer.import_bytes(named["short.json"], source="short.json")
    row = svc_db.db.conversations.get(CID)
    assert row.turn_count == 8 and row.review_status == "approved"
    pairs = (svc_db.conversations.read_json(row.enriched_file_path) or {})["training_pairs"]
    assert len(pairs) == 8
    [outcome] = result.outcomes
    assert outcome.action == "updated"
    assert (outcome.content_from, outcome.review_from) == ("the stored copy", "this file")
    assert outcome.reason == (
        "content kept from the stored copy (an enriched conversation file, 8 turns, 8 pairs): it holds more turns "
        "and pairs than this file (a training file, 4 turns, 2 pairs); a shorter copy never replaces a fuller one; "
        "review record from this file (approved)"
    )
    assert "1 kept with this file's review record" in result.summary()
    assert result.details() == [f"Sam Ortiz - The Reluctant Heir: {outcome.reason}."]  # Home's words: no id


def test_a_fuller_copy_replaces_a_shorter_one_and_keeps_its_review_record(svc_db: Services) -> None:
    named = _long_short()
    svc_db.importer.import_bytes(named["short.json"], source="short.json")
    result = svc_db.importer.import_bytes(named["long.json"], source="long.json")
    [outcome] = result.outcomes
    assert outcome.action == "replaced"
    assert (outcome.content_from, outcome.review_from) == ("this file", "the stored copy")
    assert outcome.reason == (
        "content from this file (an enriched conversation file, 8 turns, 8 pairs): it holds more turns and pairs "
        "than the stored copy (a training file, 4 turns, 2 pairs); review record kept from the stored copy (approved)"
    )
    row = svc_db.db.conversations.get(CID)
    assert row.turn_count == 8 and row.review_status == "approved" and row.reviewed_by == "import"


def test_the_raw_copy_first_still_ends_with_the_earlier_systems_id_and_the_report_says_so(svc_db: Services) -> None:
    named = _trio()
    first = svc_db.importer.import_bytes(named["raw.json"], source="raw.json")
    assert first.imported != [CID]  # no id in a raw file: one derived from its content
    second = svc_db.importer.import_bytes(named["enriched.json"], source="enriched.json")
    assert second.replaced == [CID] and svc_db.db.conversations.count() == 1
    assert second.outcomes[0].reason.endswith(
        f"id {CID}: the earlier system's id, carried by this file (the stored copy's id was derived from its content)"
    )
    assert CID not in " ".join(second.details())  # a page never shows an id
    third = svc_db.importer.import_bytes(named["raw.json"], source="raw.json")
    assert third.skipped == [CID]


def test_copies_that_disagree_in_text_keep_the_stored_one_and_the_other_as_a_revision(svc_db: Services) -> None:
    svc_db.importer.import_bytes(files.dumps(files.enriched_file(files.per_turn_pairs(), CID)), source="a.json")
    changed = [
        files.EXCHANGES[0],
        ("It lists three funds. Is the cash bad?", files.EXCHANGES[1][1]),
        files.EXCHANGES[2],
    ]
    other = files.dumps(files.training_file([(CID, files.per_turn_pairs(changed))]))
    result = svc_db.importer.import_bytes(other, source="b.json")
    [outcome] = result.outcomes
    assert outcome.action == "updated" and outcome.content_from == "the stored copy"
    assert outcome.reason.startswith(
        "the copies disagree in the text of turn 3: kept the stored copy's content (an enriched conversation file, "
        "6 turns, 6 pairs); this file's text (a training file, 6 turns, 6 pairs) is kept as a revision of turn 3"
    )
    parsed = svc_db.conversations.read_json(svc_db.db.conversations.get(CID).file_path) or {}
    assert parsed["turns"][2]["content"] == files.EXCHANGES[1][0]
    [revision] = svc_db.review.revisions(CID)
    assert (revision.turn_number, revision.original_content, revision.new_content) == (
        3,
        "It lists three funds. Is the cash bad?",
        files.EXCHANGES[1][0],
    )


# -- human_reviewed, wrapper files, escapes ---------------------------------------------------------
def test_human_reviewed_is_kept_as_the_file_says(svc_db: Services, tmp_path: Path) -> None:
    pairs = files.seed_pairs()
    for pair in pairs:
        pair["training_metadata"] = {"quality_score": 5, "human_reviewed": True, "reviewer_notes": "hand-checked"}
    svc_db.importer.import_bytes(files.dumps(files.training_file([(CID, pairs)])), source="seed.json")
    out = tmp_path / "v4.json"
    svc_db.exports.export("brightrun-v4", out)
    exported = json.loads(out.read_text())["conversations"][0]["training_pairs"]
    assert [p["training_metadata"]["human_reviewed"] for p in exported] == [True, True, True]
    lines = out.with_suffix(".jsonl").read_text().splitlines()[1:]
    assert all(json.loads(line)["training_metadata"]["human_reviewed"] is True for line in lines)


def _seed_part(number: int) -> dict[str, Any]:
    exchanges = [(f"Question {number}: is this the right account?", f"Answer {number}: yes, and here is why.")]
    exchanges.append((f"And the fees for {number}?", f"Low: about {number} dollars a year."))
    cid = f"{number:08d}-0000-4000-8000-000000000000"
    return {"conversation_metadata": {"conversation_id": cid}, "training_pairs": files.seed_pairs(exchanges)}


def test_a_file_wrapping_several_conversations_imports_each_part_with_its_own_report_line(svc_db: Services) -> None:
    wrapped = {"title": "Seed set", "conversations": [_seed_part(1), _seed_part(2), _seed_part(3)]}
    result = svc_db.importer.import_bytes(files.dumps(wrapped), source="seeds.json")
    assert result.format == "wrapper" and len(result.imported) == 3
    assert [o.part for o in result.outcomes] == ["conversations 1", "conversations 2", "conversations 3"]
    assert result.imported == [f"{n:08d}-0000-4000-8000-000000000000" for n in (1, 2, 3)]
    assert "Left out 1 part(s) that hold no conversation: 'title'" in result.warnings[0]
    by_name = {"first": _seed_part(4), "second": _seed_part(5)}
    again = svc_db.importer.import_bytes(files.dumps(by_name), source="named.json")
    assert [o.part for o in again.outcomes] == ["first", "second"] and len(again.imported) == 2
    assert svc_db.db.conversations.get(again.imported[0]).turn_count == 4


def test_text_escaped_twice_is_fixed_on_import_and_listed(svc_db: Services) -> None:
    data = files.raw_file()
    data["turns"][1]["content"] = 'Let\'s open it.\\n\\nFirst, the \\"cash\\" line.'
    data["turns"][3]["content"] = 'Cash is safe, but it may be losing ground \\"'  # cut off: left alone
    result = svc_db.importer.import_bytes(files.dumps(data), source="escaped.json")
    [cid] = result.imported
    turns = (svc_db.conversations.read_json(svc_db.db.conversations.get(cid).file_path) or {})["turns"]
    assert turns[1]["content"] == 'Let\'s open it.\n\nFirst, the "cash" line.'
    assert turns[3]["content"].endswith('ground \\"')
    assert result.unescaped == [cid] and result.report()["unescaped"] == [cid]
    assert "1 with line breaks or quotes escaped twice (now fixed)" in result.summary()


@pytest.fixture
def svc_db(db: Database, tmp_path: Path) -> Services:
    data = tmp_path / "data"
    return Services(settings=Settings(data_dir=data), db=db, blobs=LocalBlobStore(data / "buckets"))


def test_a_copy_a_reviewer_rated_is_kept_with_its_ratings(svc_db: Services) -> None:
    named = _trio()
    [cid] = svc_db.importer.import_bytes(named["raw.json"], source="raw.json").imported
    svc_db.review.rate_turn(cid, 2, "good", "Ana")
    result = svc_db.importer.import_bytes(named["enriched.json"], source="enriched.json")
    assert result.skipped == [cid] and "a reviewer has worked on it" in result.outcomes[0].reason
    assert svc_db.review.turn_ratings(cid) == {2: "good"}
