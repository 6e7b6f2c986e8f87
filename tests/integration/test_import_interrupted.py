"""Issue 23, finding 8: an import stopped midway leaves a marker that the next run and Home report, and the
run that completes the file removes what the stopped one left without a row. Imports land in the current
project. On SQLite and on the real PostgreSQL (a real SIGKILL is in test_import_kill.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.bootstrap import Services
from core.models.base import NIL_UUID
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES, LocalBlobStore
from core.storage.database import Database
from tests.support import import_files as files

TOTAL = 12


class Stopped(BaseException):
    """Like a kill: nothing after it runs (no clean-up of the import)."""


def _file() -> bytes:
    conversations = []
    for n in range(TOTAL):
        exchanges = [(f"Question {n}: can I retire at {50 + n}?", f"Answer {n}: yes, with a plan."), files.EXCHANGES[1]]
        conversations.append((f"{n:08d}-1111-4000-8000-000000000000", files.seed_pairs(exchanges, prefix=f"c{n}")))
    return files.dumps(files.training_file(conversations))


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Services:
    data = tmp_path / "data"
    return Services(settings=Settings(data_dir=data), db=db, blobs=LocalBlobStore(data / "buckets"))


def _stop_after(svc: Services, monkeypatch: pytest.MonkeyPatch, stored: int) -> None:
    real, calls = svc.conversations.ingest, []

    def ingest(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) > stored:
            # The machine went down after the files of this conversation were written, before its row.
            svc.blobs.put(CONVERSATION_FILES, f"raw/{NIL_UUID}/{kwargs['conversation_id']}-0123456789.json", b"{}")
            raise Stopped
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(svc.conversations, "ingest", ingest)


def test_a_stopped_import_is_reported_then_finished_and_its_orphan_removed(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert svc.importer.interrupted() == []
    _stop_after(svc, monkeypatch, 5)
    with pytest.raises(Stopped):
        svc.importer.import_bytes(_file(), source="big.json")
    monkeypatch.undo()
    assert svc.db.conversations.count() == 5
    said = "The import of big.json stopped at 5 of 12 conversations; run it again to finish."
    assert svc.importer.interrupted() == [said]  # what Home shows
    again = svc.importer.import_bytes(_file(), source="big.json")
    assert len(again.skipped) == 5 and len(again.imported) == TOTAL - 5
    assert again.warnings[0] == "The import of big.json stopped at 5 of 12 conversations; this run finishes it."
    assert "Removed 1 file(s) the stopped import had left without a conversation." in again.warnings
    assert svc.importer.interrupted() == []
    rows = svc.db.conversations.list()
    owned = {p for r in rows for p in (r.raw_response_path, r.file_path, r.enriched_file_path) if p}
    assert set(svc.blobs.list(CONVERSATION_FILES)) == owned and len(owned) == 3 * TOTAL


def test_a_failed_import_leaves_no_marker(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    real, calls = svc.conversations.ingest, []

    def flaky(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(svc.conversations, "ingest", flaky)
    with pytest.raises(OSError, match="disk full"):
        svc.importer.import_bytes(_file(), source="big.json")
    assert svc.importer.interrupted() == [] and svc.blobs.list(CONVERSATION_FILES) == []


def test_the_same_file_imported_into_two_projects_lands_in_each_and_touches_neither_others_files(
    svc: Services,
) -> None:
    data = files.dumps(files.enriched_file(files.per_turn_pairs(), "5eed0000-0000-4000-8000-00000000c0de"))
    first = svc.importer.import_bytes(data, source="e.json")
    before = {p: svc.blobs.get(CONVERSATION_FILES, p) for p in svc.blobs.list(CONVERSATION_FILES)}
    other = svc.in_project(svc.projects.create("Second practice").slug)
    second = other.importer.import_bytes(data, source="e.json")
    assert first.imported == ["5eed0000-0000-4000-8000-00000000c0de"]
    assert len(second.imported) == 1 and second.imported != first.imported
    assert other.db.conversations.get(second.imported[0]).project_id == other.project_id
    assert svc.db.conversations.count() == other.db.conversations.count() == 1
    assert {p: svc.blobs.get(CONVERSATION_FILES, p) for p in before} == before  # the first project's files intact
    again = other.importer.import_bytes(data, source="e.json")
    assert again.skipped == second.imported
