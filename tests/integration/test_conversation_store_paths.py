"""Item 1 of issue 13, the class of problem beyond batches: two writers storing the same conversation id
(a retried import, a second worker) never share a file, so the one that fails cleans up only its own files."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.bootstrap import conversation_store
from core.conversations.store import Provenance
from core.errors import ConflictError
from core.models.base import new_id
from core.storage.blobs import CONVERSATION_FILES, LocalBlobStore
from core.storage.database import Database
from tests.support.review_data import raw_reply


def test_a_failed_second_store_of_one_id_leaves_the_first_ones_files(db: Database, tmp_path: Path) -> None:
    store = conversation_store(db, LocalBlobStore(tmp_path / "buckets"))
    conversation_id = new_id()
    first = store.ingest(raw_reply("First words.", "First answer."), Provenance(), conversation_id=conversation_id)
    raw_before = store.blobs.get(CONVERSATION_FILES, first.raw_response_path or "")
    with pytest.raises(ConflictError):
        store.ingest(raw_reply("Other words.", "Other answer."), Provenance(), conversation_id=conversation_id)
    assert store.blobs.get(CONVERSATION_FILES, first.raw_response_path or "") == raw_before
    assert store.read_json(first.file_path)["turns"][0]["content"] == "First words."  # type: ignore[index]
    assert set(store.blobs.list(CONVERSATION_FILES)) == {first.raw_response_path, first.file_path}


def test_storing_the_same_text_twice_keeps_the_stored_files(db: Database, tmp_path: Path) -> None:
    store = conversation_store(db, LocalBlobStore(tmp_path / "buckets"))
    conversation_id, text = new_id(), raw_reply("Same words.", "Same answer.")
    first = store.ingest(text, Provenance(), conversation_id=conversation_id)
    with pytest.raises(ConflictError):
        store.ingest(text, Provenance(), conversation_id=conversation_id)  # same text: the same paths
    assert store.read_json(first.file_path)["turns"][0]["content"] == "Same words."  # type: ignore[index]
    assert store.blobs.exists(CONVERSATION_FILES, first.raw_response_path or "")
