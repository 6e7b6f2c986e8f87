"""Blob buckets in Supabase Storage, through supabase-py (``storage3``), with the paths of ``core.storage.blobs``.

The adapter runs on the server with the project's service-role key (system work: the key never reaches a
browser); people get signed download URLs made on demand, never stored. Storage lists one folder level at a
time, so ``list`` walks folders. Storage reports a missing object or bucket as HTTP 400 with a body whose
``statusCode`` is ``"404"``; both that and a real 404 become ``NotFoundError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from storage3.exceptions import StorageApiError
from storage3.utils import StorageException
from supabase import Client

from core.errors import ADMIN_ADVICE, NotFoundError, StorageError
from core.storage.blobs import _check_path
from core.supabase_client import make_client

PAGE = 1000  # entries per list request (Storage's default is 100)
NOT_FOUND_CODES = {"not_found", "NoSuchKey", "NoSuchBucket", "Bucket not found", "Not found"}


class SupabaseBlobStore:
    """The ``BlobStore`` protocol over Supabase Storage buckets (private, created by ``db upgrade``)."""

    def __init__(self, url: str, key: SecretStr, *, client: Client | None = None) -> None:
        self.url = url.rstrip("/")
        self._client = client or make_client(url, key)

    def _bucket(self, bucket: str) -> Any:
        return self._client.storage.from_(bucket)

    @contextmanager
    def _errors(self, what: str, bucket: str, path: str = "") -> Iterator[None]:
        """Storage and network errors as project errors that say which file and what to do."""
        target = f"{bucket}/{path}" if path else bucket
        try:
            yield
        except StorageApiError as err:
            if str(err.status) == "404" or err.code in NOT_FOUND_CODES:
                no_bucket = "bucket" in err.message.lower()
                raise NotFoundError(
                    f"The file {target} does not exist ({err.message}).",
                    hint=ADMIN_ADVICE if no_bucket else None,
                    terminal_hint="Run `python -m core db upgrade` to create the buckets." if no_bucket else None,
                ) from err
            if str(err.status) in ("401", "403"):
                raise StorageError(
                    f"Supabase Storage refused to {what} {target}: {err.message}.",
                    hint=ADMIN_ADVICE,
                    terminal_hint="Check SUPABASE_KEY: the server needs the project's service-role key.",
                ) from err
            raise StorageError(f"Supabase Storage could not {what} {target}: {err.message}.") from err
        except (httpx.HTTPError, StorageException) as err:
            raise StorageError(
                f"Supabase Storage at {self.url} could not be reached to {what} {target}.",
                hint="Check the network connection, then try again. " + ADMIN_ADVICE,
                terminal_hint=f"Check SUPABASE_URL and the network ({type(err).__name__}: {err}).",
            ) from err

    def put(self, bucket: str, path: str, data: bytes, *, content_type: str = "application/json") -> str:
        _check_path(bucket, path)
        with self._errors("store", bucket, path):
            self._bucket(bucket).upload(path, data, {"content-type": content_type, "upsert": "true"})
        return path

    def put_file(self, bucket: str, path: str, source: Path, *, content_type: str = "application/json") -> str:
        """Upload a local file by path (supabase-py reads it itself)."""
        _check_path(bucket, path)
        with self._errors("store", bucket, path):
            self._bucket(bucket).upload(path, Path(source), {"content-type": content_type, "upsert": "true"})
        return path

    def get(self, bucket: str, path: str) -> bytes:
        _check_path(bucket, path)
        with self._errors("read", bucket, path):
            return bytes(self._bucket(bucket).download(path))

    def exists(self, bucket: str, path: str) -> bool:
        _check_path(bucket, path)
        folder, _, name = path.rpartition("/")
        with self._errors("look up", bucket, path):
            entries = self._bucket(bucket).list(folder, {"limit": PAGE, "offset": 0, "search": name})
        return any(e.get("name") == name and e.get("id") is not None for e in entries)

    def delete(self, bucket: str, path: str) -> None:
        _check_path(bucket, path)
        with self._errors("delete", bucket, path):
            self._bucket(bucket).remove([path])

    def list(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object path in ``bucket`` starting with ``prefix`` (sorted), like ``LocalBlobStore.list``."""
        _check_path(bucket, prefix or "x")
        start = prefix.rpartition("/")[0]
        with self._errors("list", bucket, prefix):
            return sorted(p for p in self._walk(bucket, start) if p.startswith(prefix))

    def _walk(self, bucket: str, folder: str) -> Iterator[str]:
        offset = 0
        while True:
            entries = self._bucket(bucket).list(folder, {"limit": PAGE, "offset": offset})
            for entry in entries:
                full = f"{folder}/{entry['name']}" if folder else str(entry["name"])
                if entry.get("id") is None:  # a folder: Storage returns it without an id
                    yield from self._walk(bucket, full)
                else:
                    yield full
            if len(entries) < PAGE:
                return
            offset += PAGE

    def download_url(self, bucket: str, path: str, *, expires_in: int = 3600) -> str:
        """A signed URL valid for ``expires_in`` seconds, made now; callers show it and never store it."""
        _check_path(bucket, path)
        with self._errors("sign a download link for", bucket, path):
            signed = self._bucket(bucket).create_signed_url(path, expires_in)
        url = signed.get("signedURL") or signed.get("signedUrl")
        if not url:
            raise StorageError(f"Supabase Storage returned no download link for {bucket}/{path}.")
        return str(url)
