"""The blob store port: bytes at ``bucket``/``path``, the buckets, and where each kind of file lives in them.

Paths follow the earlier system's layout (docs/earlier-system.md) and are stored in rows; download links are
made on demand, never stored. Services use these names; the implementations (local files in
``core.storage.blobs``, Supabase Storage in ``core.storage.supabase_blobs``) are built by ``core.bootstrap``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Protocol, runtime_checkable

from core.errors import AccessDeniedError
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
