"""A marker for an import under way: written before the first conversation is stored, removed when the file
is complete (or undone). A marker still there means a run was stopped (killed, the machine went down):
Home and the next run say so ("the import of big.json stopped at 115 of 800; run it again to finish"),
and the run that completes the file removes what the stopped run left without a row (orphan files).

Markers live in the owner's folder of ``conversation-files`` (``{owner}/_imports/…``; a conversation id
never starts with ``_``), so each owner sees only their own.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from pydantic import BaseModel

from core.models.base import NIL_UUID, utcnow
from core.storage.ports import ConversationRows
from core.storage.ports.blobs import CONVERSATION_FILES, BlobStore, owner_folders

FOLDER = "_imports"
CHUNK = 500


class ImportMarker(BaseModel):
    source: str
    project_id: str | None = None
    total: int
    conversation_ids: list[str]
    started_at: datetime


def marker_folder(owner: str | None) -> str:
    return f"{owner or NIL_UUID}/{FOLDER}/"


def marker_path(owner: str | None, source: str, project_id: str | None) -> str:
    """One marker per owner, project and file name (the same file may be imported into two projects)."""
    return marker_folder(owner) + hashlib.sha256(f"{project_id}:{source}".encode()).hexdigest()[:20] + ".json"


def read(blobs: BlobStore, path: str) -> ImportMarker | None:
    try:
        return ImportMarker.model_validate_json(blobs.get(CONVERSATION_FILES, path))
    except Exception:  # missing, or half-written by a run that was killed while writing it
        return None


def start(
    blobs: BlobStore, rows: ConversationRows, owner: str | None, source: str, ids: list[str]
) -> ImportMarker | None:
    """Write the marker of this run; the marker a stopped earlier run of the same file left, if any."""
    path = marker_path(owner, source, rows.project_id)
    earlier = read(blobs, path) if blobs.exists(CONVERSATION_FILES, path) else None
    marker = ImportMarker(
        source=source, project_id=rows.project_id, total=len(ids), conversation_ids=ids, started_at=utcnow()
    )
    blobs.put(CONVERSATION_FILES, path, marker.model_dump_json().encode())
    return earlier


def finish(blobs: BlobStore, rows: ConversationRows, owner: str | None, source: str) -> None:
    blobs.delete(CONVERSATION_FILES, marker_path(owner, source, rows.project_id))


def stored_count(rows: ConversationRows, ids: list[str]) -> int:
    unique = sorted(set(ids))
    return sum(rows.count(where={"conversation_id": unique[i : i + CHUNK]}) for i in range(0, len(unique), CHUNK))


def sentence(marker: ImportMarker, stored: int) -> str:
    return (
        f"The import of {marker.source} stopped at {min(stored, marker.total)} of {marker.total} conversations; "
        "run it again to finish."
    )


def interrupted(blobs: BlobStore, rows: ConversationRows, owner: str | None) -> list[str]:
    """One sentence per import of ``owner`` into this project that was stopped before its file was complete."""
    found = []
    for path in blobs.list(CONVERSATION_FILES, marker_folder(owner)):
        marker = read(blobs, path)
        if marker is not None and marker.project_id == rows.project_id:
            found.append(sentence(marker, stored_count(rows, marker.conversation_ids)))
    return found


def remove_orphans(blobs: BlobStore, rows: ConversationRows, owner: str | None, ids: list[str]) -> int:
    """Delete files of ``ids`` that no row points to (left by a run that was stopped); how many."""
    wanted = set(ids)
    referenced: set[str] = set()
    for i in range(0, len(ids), CHUNK):
        for row in rows.list(where={"conversation_id": ids[i : i + CHUNK]}):
            referenced |= {p for p in (row.raw_response_path, row.file_path, row.enriched_file_path) if p}
    removed = 0
    for folder in owner_folders(owner):
        for path in blobs.list(CONVERSATION_FILES, folder):
            if path in referenced or not _belongs(path, folder, wanted):
                continue
            blobs.delete(CONVERSATION_FILES, path)
            removed += 1
    return removed


def _belongs(path: str, folder: str, wanted: set[str]) -> bool:
    """Whether a stored file belongs to one of ``wanted`` (``{owner}/{id}/…``, ``raw/{owner}/{id}[-attempt].json``)."""
    rest = path[len(folder) :]
    if folder.startswith("raw/"):
        name = rest.removesuffix(".json")
        return "/" not in name and (name in wanted or name.rsplit("-", 1)[0] in wanted)
    head, _, tail = rest.partition("/")
    return bool(tail) and head in wanted
