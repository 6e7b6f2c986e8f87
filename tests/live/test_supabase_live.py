"""The Storage adapter against a real Supabase project: runs only when SUPABASE_URL and SUPABASE_KEY are set.

The project must have been migrated (``python -m core db upgrade`` creates the buckets). The test writes under
``batch-logs/brightrun-live-test/<uuid>/`` and removes what it wrote.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from core.errors import NotFoundError
from core.storage.blobs import BATCH_LOGS
from core.storage.supabase_blobs import SupabaseBlobStore

# Read at import: the autouse fixture clears these variables before each test runs.
URL, KEY = os.environ.get("SUPABASE_URL"), os.environ.get("SUPABASE_KEY")
pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not (URL and KEY), reason="set SUPABASE_URL and SUPABASE_KEY to run the live Supabase test"),
]


@pytest.fixture
def store_and_folder() -> Iterator[tuple[SupabaseBlobStore, str]]:
    store = SupabaseBlobStore(str(URL), SecretStr(str(KEY)))
    folder = f"brightrun-live-test/{uuid.uuid4()}"
    yield store, folder
    for path in store.list(BATCH_LOGS, f"{folder}/"):
        store.delete(BATCH_LOGS, path)


def test_a_file_round_trips_through_real_supabase_storage(store_and_folder: tuple[SupabaseBlobStore, str]) -> None:
    store, folder = store_and_folder
    store.put(BATCH_LOGS, f"{folder}/log.txt", b"line one\n", content_type="text/plain")
    assert store.get(BATCH_LOGS, f"{folder}/log.txt") == b"line one\n"
    assert store.exists(BATCH_LOGS, f"{folder}/log.txt")
    assert store.list(BATCH_LOGS, f"{folder}/") == [f"{folder}/log.txt"]
    assert httpx.get(store.download_url(BATCH_LOGS, f"{folder}/log.txt", expires_in=60)).content == b"line one\n"


def test_a_deleted_file_is_gone_from_real_supabase_storage(store_and_folder: tuple[SupabaseBlobStore, str]) -> None:
    store, folder = store_and_folder
    store.put(BATCH_LOGS, f"{folder}/gone.txt", b"x", content_type="text/plain")
    store.delete(BATCH_LOGS, f"{folder}/gone.txt")
    assert not store.exists(BATCH_LOGS, f"{folder}/gone.txt")
    with pytest.raises(NotFoundError):
        store.get(BATCH_LOGS, f"{folder}/gone.txt")
