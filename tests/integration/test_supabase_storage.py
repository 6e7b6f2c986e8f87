"""The Supabase Storage adapter, through the real supabase-py client, against a loopback stand-in server.

What every blob store must do is in ``test_blob_store_contract.py``; here is what only this adapter does
(content types and paths on the wire, signed URLs, paging, errors that name the setting to fix).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from core.bootstrap import build_blob_store
from core.errors import ConfigError, NotFoundError, StorageError
from core.settings import Settings
from core.storage.blobs import BUCKETS, CONVERSATION_FILES, TRAINING_FILES, BlobStore, parsed_conversation_path
from core.storage.supabase_blobs import PAGE, SupabaseBlobStore
from tests.fakes.storage_server import FakeSupabaseServer

KEY = "service-role-test-key"


@pytest.fixture
def server() -> Iterator[FakeSupabaseServer]:
    with FakeSupabaseServer(key=KEY, buckets=BUCKETS) as running:
        yield running


@pytest.fixture
def store(server: FakeSupabaseServer) -> SupabaseBlobStore:
    return SupabaseBlobStore(server.url, SecretStr(KEY))


def test_put_then_get_returns_the_same_bytes_at_the_design_path(
    store: SupabaseBlobStore, server: FakeSupabaseServer
) -> None:
    path = parsed_conversation_path("user-1", "conv-1")
    assert store.put(CONVERSATION_FILES, path, b'{"turns": []}') == path
    assert store.get(CONVERSATION_FILES, path) == b'{"turns": []}'
    assert server.state.buckets[CONVERSATION_FILES][path] == (b'{"turns": []}', "application/json")


def test_put_file_uploads_a_local_file(store: SupabaseBlobStore, server: FakeSupabaseServer, tmp_path: Path) -> None:
    source = tmp_path / "training.jsonl"
    source.write_bytes(b'{"_meta": {}}\n{"id": 1}')
    store.put_file(TRAINING_FILES, "f2/training.jsonl", source, content_type="application/x-ndjson")
    assert server.state.buckets[TRAINING_FILES]["f2/training.jsonl"] == (source.read_bytes(), "application/x-ndjson")


def test_list_pages_through_large_folders(store: SupabaseBlobStore, server: FakeSupabaseServer) -> None:
    server.state.buckets["batch-logs"] = {f"job/{i:05}.txt": (b"x", "text/plain") for i in range(PAGE + 5)}
    found = store.list("batch-logs", "job/")
    assert len(found) == PAGE + 5
    assert found[-1] == f"job/{PAGE + 4:05}.txt"


def test_a_signed_download_url_fetches_the_file(store: SupabaseBlobStore, server: FakeSupabaseServer) -> None:
    store.put(TRAINING_FILES, "f1/training.json", b'{"ok": true}')
    url = store.download_url(TRAINING_FILES, "f1/training.json", expires_in=60)
    assert url.startswith(f"{server.url}/storage/v1/object/sign/training-files/f1/training.json?token=")
    assert httpx.get(url, headers={"apikey": KEY}).content == b'{"ok": true}'
    assert store.download_url(TRAINING_FILES, "f1/training.json") != url  # made on demand, never reused


def test_a_wrong_key_is_a_storage_error_that_names_the_setting(server: FakeSupabaseServer) -> None:
    store = SupabaseBlobStore(server.url, SecretStr("not-the-key"))
    with pytest.raises(StorageError, match="refused") as caught:
        store.get(CONVERSATION_FILES, "u/c/conversation.json")
    assert "SUPABASE_KEY" in caught.value.terminal_message  # the command line names the setting
    assert "SUPABASE_KEY" not in caught.value.user_message  # a page says it in the app's words


def test_a_missing_bucket_says_to_run_db_upgrade(server: FakeSupabaseServer) -> None:
    del server.state.buckets[TRAINING_FILES]
    store = SupabaseBlobStore(server.url, SecretStr(KEY))
    with pytest.raises(NotFoundError, match="Bucket not found") as caught:
        store.put(TRAINING_FILES, "f/training.json", b"{}")
    assert "db upgrade" in caught.value.terminal_message
    assert "db upgrade" not in caught.value.user_message


def test_an_unreachable_server_is_a_storage_error_with_the_url(server: FakeSupabaseServer) -> None:
    store = SupabaseBlobStore("http://127.0.0.1:9", SecretStr(KEY))
    with pytest.raises(StorageError, match="could not be reached") as caught:
        store.get(CONVERSATION_FILES, "u/c/conversation.json")
    assert KEY not in caught.value.user_message


def test_paths_outside_the_layout_are_refused_before_any_request(
    store: SupabaseBlobStore, server: FakeSupabaseServer
) -> None:
    with pytest.raises(StorageError, match="not a valid blob path"):
        store.put(CONVERSATION_FILES, "../escape.json", b"{}")
    with pytest.raises(StorageError, match="Unknown bucket"):
        store.get("elsewhere", "a.json")
    assert server.state.requests == []


def test_a_bad_url_or_empty_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="SUPABASE_URL"):
        SupabaseBlobStore("xyz.supabase.co", SecretStr(KEY))
    with pytest.raises(ConfigError, match="SUPABASE_KEY"):
        SupabaseBlobStore("https://xyz.supabase.co", SecretStr(" "))


def test_bootstrap_picks_supabase_storage_when_configured(server: FakeSupabaseServer) -> None:
    settings = Settings(supabase_db_url="postgresql://u@127.0.0.1:1/db", supabase_url=server.url, supabase_key=KEY)
    store = build_blob_store(settings)
    assert isinstance(store, SupabaseBlobStore) and isinstance(store, BlobStore)
    store.put(CONVERSATION_FILES, "u/c/conversation.json", b"{}")
    assert store.exists(CONVERSATION_FILES, "u/c/conversation.json")
