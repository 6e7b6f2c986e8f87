from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.errors import NotFoundError, StorageError
from core.storage.blobs import CONVERSATION_FILES, LocalBlobStore, failure_report_path


def test_put_get_list_delete(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put(CONVERSATION_FILES, "u/c1/conversation.json", b"{}")
    store.put(CONVERSATION_FILES, "u/c2/conversation.json", b"[]")
    assert store.get(CONVERSATION_FILES, "u/c2/conversation.json") == b"[]"
    assert store.list(CONVERSATION_FILES, "u/") == ["u/c1/conversation.json", "u/c2/conversation.json"]
    store.delete(CONVERSATION_FILES, "u/c1/conversation.json")
    assert not store.exists(CONVERSATION_FILES, "u/c1/conversation.json")


def test_a_missing_blob_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        LocalBlobStore(tmp_path).get(CONVERSATION_FILES, "nope.json")


@pytest.mark.parametrize("path", ["../escape.json", "/etc/passwd", "", "https://x/y.json"])
def test_paths_outside_the_bucket_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(StorageError):
        LocalBlobStore(tmp_path).put(CONVERSATION_FILES, path, b"x")


def test_unknown_buckets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="Unknown bucket"):
        LocalBlobStore(tmp_path).put("secrets", "a.json", b"x")


def test_failure_report_path_follows_the_earlier_layout() -> None:
    at = datetime(2025, 12, 2, 0, 46, 49, 330000, tzinfo=UTC)
    assert failure_report_path("f1", at) == "2025/12/failed-f1-2025-12-02T00-46-49-330000+00-00.json"


def test_put_file_copies_a_local_file_in(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    source.write_bytes(b'{"a": 1}\n' * 200_000)
    store = LocalBlobStore(tmp_path / "buckets")
    store.put_file(CONVERSATION_FILES, "u/big.jsonl", source)
    assert store.get(CONVERSATION_FILES, "u/big.jsonl") == source.read_bytes()
    assert store.list(CONVERSATION_FILES) == ["u/big.jsonl"]
