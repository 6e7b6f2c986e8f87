"""Blob buckets: one small interface, a local-files implementation (Supabase Storage lives elsewhere).

Paths follow the earlier system's layout (docs/earlier-system.md) and are stored in rows; download links are made on demand, never stored.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Protocol, runtime_checkable

from core.errors import AccessDeniedError, NotFoundError, StorageError
from core.models.base import NIL_UUID

CONVERSATION_FILES = "conversation-files"
TRAINING_FILES = "training-files"
FAILED_GENERATION_FILES = "failed-generation-files"
BATCH_LOGS = "batch-logs"
ADAPTERS = "adapters"  # trained LoRA adapters: '{model id}/adapter_config.json', weights (m0015)
TRAINING_INPUTS = "training-inputs"  # a training job's frozen input: '{job id}/train.jsonl', 'validation.jsonl'
BUCKETS = (CONVERSATION_FILES, TRAINING_FILES, FAILED_GENERATION_FILES, BATCH_LOGS, ADAPTERS, TRAINING_INPUTS)


def raw_conversation_path(user_id: str, conversation_id: str, attempt: str | None = None) -> str:
    """``attempt`` (a batch item's claim token) gives each attempt its own file, so clean-up after a lost
    lease removes only what that attempt wrote."""
    return f"raw/{user_id}/{conversation_id}{f'-{attempt}' if attempt else ''}.json"


def parsed_conversation_path(user_id: str, conversation_id: str, attempt: str | None = None) -> str:
    return f"{user_id}/{conversation_id}/conversation{f'-{attempt}' if attempt else ''}.json"


def enriched_conversation_path(user_id: str, conversation_id: str) -> str:
    return f"{user_id}/{conversation_id}/enriched.json"


def training_file_paths(file_id: str) -> tuple[str, str]:
    return f"{file_id}/training.json", f"{file_id}/training.jsonl"


def failure_report_path(failure_id: str, at: datetime) -> str:
    stamp = at.isoformat().replace(":", "-").replace(".", "-")
    return f"{at:%Y}/{at:%m}/failed-{failure_id}-{stamp}.json"


def owner_folders(owner: str | None) -> tuple[str, str]:
    """The folders of ``conversation-files`` that hold one owner's files (``{owner}/…``, ``raw/{owner}/…``)."""
    user = owner or NIL_UUID
    return f"{user}/", f"raw/{user}/"


def owned_conversation_path(owner: str | None, path: str | None) -> str | None:
    """``path`` when it lies in ``owner``'s folders of ``conversation-files``; else ``AccessDeniedError``.

    Checked on every Storage call made for a conversation row: a stored path is never trusted on its own,
    so a row pointed at another user's file (m0006 also refuses that write) opens or overwrites nothing.
    """
    if not path:
        return path
    if not path.startswith(owner_folders(owner)) or ".." in PurePosixPath(path).parts:
        raise AccessDeniedError("This conversation's file is stored outside its owner's folder, so it was not used.")
    return path


def owned_training_file_path(file_id: str, path: str) -> str:
    """``path`` when it lies in the training file's own folder (``{file_id}/…``); else ``AccessDeniedError``."""
    if not path.startswith(f"{file_id}/") or ".." in PurePosixPath(path).parts:
        raise AccessDeniedError("This training file's data is stored outside its own folder, so it was not used.")
    return path


def owned_failure_report_path(failure_id: str, path: str) -> str:
    """``path`` when it names the failure's own report (``…/failed-{failure_id}-….json``); else ``AccessDeniedError``."""
    if f"failed-{failure_id}-" not in PurePosixPath(path).name or ".." in PurePosixPath(path).parts:
        raise AccessDeniedError("This failure's report is stored under another name, so it was not used.")
    return path


@runtime_checkable
class BlobStore(Protocol):
    """Bytes at ``bucket``/``path``. Implementations: local files, Supabase Storage."""

    def put(self, bucket: str, path: str, data: bytes, *, content_type: str = "application/json") -> str: ...
    def put_file(self, bucket: str, path: str, source: Path, *, content_type: str = "application/json") -> str: ...
    def get(self, bucket: str, path: str) -> bytes: ...
    def exists(self, bucket: str, path: str) -> bool: ...
    def delete(self, bucket: str, path: str) -> None: ...
    def list(self, bucket: str, prefix: str = "") -> list[str]: ...
    def download_url(self, bucket: str, path: str, *, expires_in: int = 3600) -> str: ...


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
        if ".." in PurePosixPath(folder).parts:
            return []
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
