"""Blob buckets as local files: the implementation of ``core.storage.ports.blobs.BlobStore`` for the embedded
backend (Supabase Storage is ``core.storage.supabase_blobs``).

The port's names (buckets, path layout, owner guards, the protocol) are re-exported here for older callers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path, PurePosixPath

from core.errors import NotFoundError, StorageError
from core.storage.ports.blobs import (
    ADAPTERS,
    BATCH_LOGS,
    BUCKETS,
    CONVERSATION_FILES,
    FAILED_GENERATION_FILES,
    TRAINING_FILES,
    TRAINING_INPUTS,
    BlobStore,
    enriched_conversation_path,
    failure_report_path,
    owned_conversation_path,
    owned_failure_report_path,
    owned_training_file_path,
    owner_folders,
    parsed_conversation_path,
    raw_conversation_path,
    training_file_paths,
)

__all__ = [
    "ADAPTERS",
    "BATCH_LOGS",
    "BUCKETS",
    "CONVERSATION_FILES",
    "FAILED_GENERATION_FILES",
    "TRAINING_FILES",
    "TRAINING_INPUTS",
    "BlobStore",
    "LocalBlobStore",
    "enriched_conversation_path",
    "failure_report_path",
    "owned_conversation_path",
    "owned_failure_report_path",
    "owned_training_file_path",
    "owner_folders",
    "parsed_conversation_path",
    "raw_conversation_path",
    "training_file_paths",
]


def _check_path(bucket: str, path: str) -> PurePosixPath:
    if bucket not in BUCKETS:
        raise StorageError(f"Unknown bucket '{bucket}'.", hint=f"Buckets are: {', '.join(BUCKETS)}.")
    relative = PurePosixPath(path)
    if not path or relative.is_absolute() or ".." in relative.parts or "://" in path:
        raise StorageError(f"'{path}' is not a valid blob path (a relative path without '..' is expected).")
    return relative


def _temp_beside(target: Path) -> tuple[int, str]:
    """A new private temp file in ``target``'s folder (made when missing): its descriptor and path.

    What ``tempfile.mkstemp`` does, without its per-call set-up: a batch writes two files per item, and the
    folder usually exists (creating it is tried only when the first open says it is missing).
    """
    name = os.path.join(target.parent, f".tmp-{uuid.uuid4().hex}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        return os.open(name, flags, 0o600), name
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        return os.open(name, flags, 0o600), name


class LocalBlobStore:
    """Buckets as folders under ``root``; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _file(self, bucket: str, path: str) -> Path:
        return self.root / bucket / _check_path(bucket, path)

    def put(self, bucket: str, path: str, data: bytes, *, content_type: str = "application/json") -> str:
        target = self._file(bucket, path)
        tmp = _temp_beside(target)
        try:
            with os.fdopen(tmp[0], "wb") as handle:
                handle.write(data)
            os.replace(tmp[1], target)
        except BaseException:
            Path(tmp[1]).unlink(missing_ok=True)
            raise
        return path

    def put_file(self, bucket: str, path: str, source: Path, *, content_type: str = "application/json") -> str:
        """Copy a local file in, in chunks: a large export never has to fit in memory."""
        target = self._file(bucket, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle, Path(source).open("rb") as reader:
                shutil.copyfileobj(reader, handle, length=1024 * 1024)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def get(self, bucket: str, path: str) -> bytes:
        target = self._file(bucket, path)
        try:
            return target.read_bytes()
        except FileNotFoundError as err:
            raise NotFoundError(f"The file {bucket}/{path} does not exist.") from err

    def exists(self, bucket: str, path: str) -> bool:
        return self._file(bucket, path).is_file()

    def delete(self, bucket: str, path: str) -> None:
        self._file(bucket, path).unlink(missing_ok=True)

    def list(self, bucket: str, prefix: str = "") -> list[str]:
        base = self.root / bucket
        folder = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        if ".." in PurePosixPath(folder).parts or PurePosixPath(folder).is_absolute():
            return []  # a prefix outside the bucket (a model's adapter in a folder of its own) holds no file here
        start = base / folder  # walk only the folder the prefix names, not the whole bucket
        if not start.is_dir():
            return []
        found = (p.relative_to(base).as_posix() for p in start.rglob("*") if p.is_file())
        return sorted(p for p in found if p.startswith(prefix) and not PurePosixPath(p).name.startswith(".tmp-"))

    def download_url(self, bucket: str, path: str, *, expires_in: int = 3600) -> str:
        target = self._file(bucket, path)
        if not target.is_file():
            raise NotFoundError(f"The file {bucket}/{path} does not exist.")
        return target.resolve().as_uri()
