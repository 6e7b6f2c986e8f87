"""Which copy of a conversation wins when the same one arrives twice: the one place repeats are decided.

A conversation is the same when its owner's copy has the same turns (``source_hash``, unique per owner)
or the same id. The better-reviewed source
wins whatever the order the files arrive in: a training file (or its JSONL) says the conversation was
approved for training, an enriched file that it was enriched, a raw file only that it was written. A
stored copy that a person has worked on since (reviewed, or made here) is never replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.conversations.store import ConversationStore, content_fingerprint
from core.importer.formats import FORMAT_NAMES, KEPT, Candidate
from core.models.conversation import Conversation

RANK = {"raw": 1, "enriched": 2, "training_file": 3, "jsonl": 3}


@dataclass(frozen=True)
class Decision:
    action: Literal["store", "replace", "skip"]
    reason: str
    existing: Conversation | None = None


def find_existing(store: ConversationStore, candidate: Candidate, owner: str | None) -> Conversation | None:
    """``owner``'s stored copy of ``candidate``: same turns, or same conversation id."""
    fingerprint = content_fingerprint(candidate.raw.get("turns") or [])
    found = store.rows.find_by(source_hash=fingerprint, created_by=owner)
    if found is None and candidate.conversation_id:
        by_id = store.rows.find(candidate.conversation_id)
        found = by_id if by_id is not None and by_id.created_by == owner else None
    return found


def id_taken(store: ConversationStore, conversation_id: str | None) -> bool:
    """Another owner already has a conversation under this id (the file's id cannot be reused)."""
    return bool(conversation_id) and store.rows.find(conversation_id or "") is not None


def imported_kind(row: Conversation) -> str | None:
    """The format an imported row came from (``None`` when it was made here)."""
    if row.source != "imported":
        return None
    kind = (row.quality_details or {}).get(KEPT)
    return str(kind) if kind in RANK else "raw"


def decide(store: ConversationStore, candidate: Candidate, owner: str | None) -> Decision:
    existing = find_existing(store, candidate, owner)
    if existing is None:
        return Decision("store", f"new, from {FORMAT_NAMES[candidate.kind]}")
    kind = imported_kind(existing)
    new_name = FORMAT_NAMES[candidate.kind]
    if kind is None:
        return Decision("skip", f"kept the copy made in Bright Run over {new_name}", existing)
    if existing.reviewed_by not in (None, "import"):
        return Decision("skip", "kept the stored copy: a reviewer has worked on it since it was imported", existing)
    old_name = FORMAT_NAMES.get(kind, kind)
    if RANK[candidate.kind] > RANK[kind]:
        return Decision("replace", f"{new_name} replaced {old_name}: it records more review", existing)
    if RANK[candidate.kind] == RANK[kind]:
        return Decision("skip", f"already imported from {old_name}", existing)
    return Decision("skip", f"kept the copy from {old_name} over {new_name}: it records more review", existing)
