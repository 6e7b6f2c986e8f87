"""One contract for every blob store: the local folder store and the Supabase Storage adapter.

The Supabase side runs the real supabase-py client against the loopback stand-in of the Storage routes
(``tests/fakes/storage_server.py``). Backend-only behaviour (signed URLs, wrong keys, paging) is tested
beside each adapter; everything a caller relies on is here, once, for both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import httpx
import pytest
from pydantic import SecretStr

from core.errors import NotFoundError, StorageError
from core.storage.blobs import BUCKETS, CONVERSATION_FILES, TRAINING_FILES, BlobStore, LocalBlobStore
from core.storage.supabase_blobs import SupabaseBlobStore
from tests.fakes.storage_server import FakeSupabaseServer

KEY = "service-role-test-key"


@pytest.fixture(params=["local", "supabase"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    if request.param == "local":
        yield LocalBlobStore(tmp_path / "buckets")
        return
    with FakeSupabaseServer(key=KEY, buckets=BUCKETS) as server:
        yield SupabaseBlobStore(server.url, SecretStr(KEY))


def fetch(url: str) -> bytes:
    if urlparse(url).scheme == "file":
        with urlopen(url) as response:  # a local file's URL
            return bytes(response.read())
    return httpx.get(url, headers={"apikey": KEY}).content


def test_put_returns_the_path_and_get_returns_the_same_bytes(store: BlobStore) -> None:
    assert store.put(CONVERSATION_FILES, "u1/c1/conversation.json", b'{"turns": []}') == "u1/c1/conversation.json"
    assert store.get(CONVERSATION_FILES, "u1/c1/conversation.json") == b'{"turns": []}'


def test_put_twice_replaces_the_file(store: BlobStore) -> None:
    store.put(TRAINING_FILES, "f1/training.jsonl", b"one", content_type="application/x-ndjson")
    store.put(TRAINING_FILES, "f1/training.jsonl", b"two", content_type="application/x-ndjson")
    assert store.get(TRAINING_FILES, "f1/training.jsonl") == b"two"


def test_put_file_stores_a_local_file(store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "training.jsonl"
    source.write_bytes(b'{"_meta": {}}\n' * 5000)
    assert store.put_file(TRAINING_FILES, "f2/training.jsonl", source) == "f2/training.jsonl"
    assert store.get(TRAINING_FILES, "f2/training.jsonl") == source.read_bytes()


def test_a_missing_file_is_not_found_with_its_path(store: BlobStore) -> None:
    with pytest.raises(NotFoundError, match=r"conversation-files/u/c/conversation\.json"):
        store.get(CONVERSATION_FILES, "u/c/conversation.json")
    with pytest.raises(NotFoundError):
        store.download_url(CONVERSATION_FILES, "u/c/conversation.json")


def test_exists_sees_files_but_not_folders_or_neighbours(store: BlobStore) -> None:
    store.put(CONVERSATION_FILES, "u/c/conversation.json", b"{}")
    assert store.exists(CONVERSATION_FILES, "u/c/conversation.json")
    assert not store.exists(CONVERSATION_FILES, "u/c/conversation")
    assert not store.exists(CONVERSATION_FILES, "u/c")
    assert not store.exists(CONVERSATION_FILES, "u/c/enriched.json")


def test_list_walks_folders_sorted_and_filters_by_prefix(store: BlobStore) -> None:
    for path in ("u2/b/conversation.json", "raw/u1/a.json", "u1/a/enriched.json", "u1/a/conversation.json"):
        store.put(CONVERSATION_FILES, path, b"{}")
    assert store.list(CONVERSATION_FILES, "u1/") == ["u1/a/conversation.json", "u1/a/enriched.json"]
    assert store.list(CONVERSATION_FILES, "u") == [
        "u1/a/conversation.json",
        "u1/a/enriched.json",
        "u2/b/conversation.json",
    ]
    assert len(store.list(CONVERSATION_FILES)) == 4
    assert store.list(TRAINING_FILES) == []


def test_delete_removes_and_is_quiet_about_missing_files(store: BlobStore) -> None:
    store.put(CONVERSATION_FILES, "u/c/conversation.json", b"{}")
    store.delete(CONVERSATION_FILES, "u/c/conversation.json")
    store.delete(CONVERSATION_FILES, "u/c/conversation.json")
    assert not store.exists(CONVERSATION_FILES, "u/c/conversation.json")
    assert store.list(CONVERSATION_FILES) == []


def test_a_download_url_fetches_the_file(store: BlobStore) -> None:
    store.put(TRAINING_FILES, "f1/training.json", b'{"ok": true}')
    assert fetch(store.download_url(TRAINING_FILES, "f1/training.json", expires_in=60)) == b'{"ok": true}'


@pytest.mark.parametrize("path", ["../escape.json", "/etc/passwd", "", "https://x/y.json", "a/../../b.json"])
def test_paths_outside_the_bucket_are_refused(store: BlobStore, path: str) -> None:
    with pytest.raises(StorageError):
        store.put(CONVERSATION_FILES, path, b"x")


def test_unknown_buckets_are_refused(store: BlobStore) -> None:
    with pytest.raises(StorageError, match="Unknown bucket"):
        store.put("secrets", "a.json", b"x")
    with pytest.raises(StorageError, match="Unknown bucket"):
        store.get("elsewhere", "a.json")
