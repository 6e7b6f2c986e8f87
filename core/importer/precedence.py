"""Which copy of a conversation wins when the same one arrives twice: the one place repeats are decided.

A conversation is the same when its owner's copy has the earlier system's id, or the same turns
(``source_hash``, unique per owner). Two copies are compared by what they hold, never by file kind alone:

- **content**: the copy with more turns, then more training pairs, is kept; a shorter copy never replaces
  a fuller one. Only when both hold exactly the same does the file kind decide (a training file, then an
  enriched file, then a raw one), so every import order ends with the same copy. Copies whose text
  disagrees (not just in length) keep the stored text; the file's text is kept as a revision of each turn.
- **review record** (status, reviewer, notes): carried from whichever copy records one (a decision over a
  note, the stored one when both do), whichever copy's content won.
- **id**: the earlier system's ``conversation_id`` wins whenever a copy carries it; an id derived from the
  content is only for conversations no copy names.

A stored copy that a person has worked on since (reviewed, or made here) is never replaced.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from core.conversations.store import ConversationStore, content_fingerprint
from core.importer.formats import FORMAT_NAMES, KEPT, Candidate
from core.models.base import DEFAULT_PROJECT_ID
from core.models.conversation import Conversation
from core.models.statuses import Review
from core.storage.ports.blobs import owned_conversation_path

RANK = {"raw": 1, "enriched": 2, "training_file": 3, "jsonl": 3}
ID_NAMESPACE = uuid.UUID("5b0f7d1e-2f4a-4d55-9a53-6f1c3e2b9a10")
REVIEW_FIELDS = ("review_status", "reviewed_by", "reviewed_at", "review_notes")
Side = Literal["file", "stored"]


def derived_id(fingerprint: str, owner: str | None, project_id: str | None = None) -> str:
    """Same content, same owner, same project, same id: a re-run import finds (and overwrites) what it wrote
    before; the same file imported into another project gets another id (the first project keeps its ids)."""
    project = "" if project_id in (None, DEFAULT_PROJECT_ID) else f"{project_id}:"
    return str(uuid.uuid5(ID_NAMESPACE, f"{owner or ''}:{project}{fingerprint}"))


@dataclass(frozen=True)
class Copy:
    """What one copy of a conversation holds, as far as precedence cares."""

    kind: str
    turns: list[tuple[str, str]]
    pairs: int
    review: int  # 2: a decision (approved, rejected, ...); 1: held with a note; 0: none

    @property
    def size(self) -> tuple[int, int]:
        return len(self.turns), self.pairs

    def describe(self) -> str:
        return f"{FORMAT_NAMES.get(self.kind, self.kind)}, {len(self.turns)} turns, {self.pairs} pairs"


@dataclass
class Decision:
    action: Literal["store", "replace", "update", "skip"]
    reason: str
    existing: Conversation | None = None
    content: Side = "file"
    review: Side = "file"
    conversation_id: str | None = None
    conflict: list[int] = field(default_factory=list)


def _norm(turns: list[Any]) -> list[tuple[str, str]]:
    return [(str(t.get("role")), str(t.get("content", "")).strip()) for t in turns if isinstance(t, dict)]


def review_weight(status: Any, notes: Any) -> int:
    if status not in (None, Review.PENDING):
        return 2
    return 1 if notes else 0


def file_copy(candidate: Candidate) -> Copy:
    overrides = candidate.overrides or {}
    weight = review_weight(overrides.get("review_status"), overrides.get("review_notes"))
    return Copy(candidate.kind, _norm(candidate.turns), candidate.pairs, weight)


def stored_copy(store: ConversationStore, row: Conversation) -> Copy:
    def read(path: str | None) -> dict[str, Any]:
        owned = owned_conversation_path(row.created_by, path) if path else None
        return (store.read_json(owned) or {}) if owned else {}

    turns = read(row.file_path).get("turns")
    pairs = read(row.enriched_file_path).get("training_pairs") if row.enriched_file_path else None
    return Copy(
        imported_kind(row) or "raw",
        _norm(turns if isinstance(turns, list) else []),
        len(pairs) if isinstance(pairs, list) else 0,
        review_weight(row.review_status, row.review_notes),
    )


def find_existing(store: ConversationStore, candidate: Candidate, owner: str | None) -> Conversation | None:
    """``owner``'s stored copy of ``candidate``: the same earlier-system id, else the same turns."""
    if candidate.conversation_id:
        by_id = store.rows.find(candidate.conversation_id)
        if by_id is not None and by_id.created_by == owner:
            return by_id
    return store.rows.find_by(source_hash=content_fingerprint(candidate.turns), created_by=owner)


def id_taken(store: ConversationStore, conversation_id: str | None) -> bool:
    """Another owner or project already has a conversation under this id (the file's id cannot be reused)."""
    return bool(conversation_id) and store.rows.id_in_use(conversation_id or "")


def imported_kind(row: Conversation) -> str | None:
    """The format an imported row came from (``None`` when it was made here)."""
    if row.source != "imported":
        return None
    kind = (row.quality_details or {}).get(KEPT)
    return str(kind) if kind in RANK else "raw"


def _final_id(store: ConversationStore, candidate: Candidate, row: Conversation, owner: str | None) -> str:
    """The earlier system's id when this file carries one and the stored copy has only a derived id."""
    wanted = candidate.conversation_id
    derived = row.conversation_id == derived_id(row.source_hash or "", owner, store.rows.project_id)
    if wanted and wanted != row.conversation_id and derived and not id_taken(store, wanted):
        return wanted
    return row.conversation_id


def _review_words(weight: int, status: Any) -> str:
    return "held for review with a note" if weight == 1 else str(status or "").replace("_", " ")


def decide(store: ConversationStore, candidate: Candidate, owner: str | None) -> Decision:
    existing = find_existing(store, candidate, owner)
    new_name = FORMAT_NAMES[candidate.kind]
    if existing is None:
        return Decision("store", f"new, from {new_name}")
    kind = imported_kind(existing)
    if kind is None:
        return Decision("skip", f"kept the copy made in Bright Run over {new_name}", existing, "stored", "stored")
    if existing.reviewed_by not in (None, "import"):
        reason = "kept the stored copy: a reviewer has worked on it since it was imported"
        return Decision("skip", reason, existing, "stored", "stored")
    mine, theirs = file_copy(candidate), stored_copy(store, existing)
    final_id = _final_id(store, candidate, existing, owner)
    conflict = [n for n, (a, b) in enumerate(zip(mine.turns, theirs.turns, strict=False), start=1) if a != b]
    parts: list[str] = []
    if conflict:
        content: Side = "stored"
        numbers = ", ".join(str(n) for n in conflict)
        parts.append(
            f"the copies disagree in the text of turn {numbers}: kept the stored copy's content "
            f"({theirs.describe()}); this file's text ({mine.describe()}) is kept as a revision of turn {numbers}"
        )
    elif mine.size > theirs.size:
        content = "file"
        parts.append(
            f"content from this file ({mine.describe()}): it holds more turns and pairs than the stored copy "
            f"({theirs.describe()})"
        )
    elif mine.size < theirs.size:
        content = "stored"
        parts.append(
            f"content kept from the stored copy ({theirs.describe()}): it holds more turns and pairs than this "
            f"file ({mine.describe()}); a shorter copy never replaces a fuller one"
        )
    elif RANK[candidate.kind] > RANK[theirs.kind]:
        content = "file"
        parts.append(
            f"content from this file ({mine.describe()}): the same turns and pairs as the stored copy, and "
            f"{new_name} is the later stage than {FORMAT_NAMES[theirs.kind]}"
        )
    elif candidate.kind == theirs.kind or RANK[candidate.kind] == RANK[theirs.kind]:
        content = "stored"
        parts.append(f"already imported from {FORMAT_NAMES[theirs.kind]} with the same turns and pairs")
    else:
        content = "stored"
        parts.append(
            f"content kept from the stored copy ({theirs.describe()}): the same turns and pairs, and "
            f"{FORMAT_NAMES[theirs.kind]} is the later stage than {new_name}"
        )
    overrides = candidate.overrides or {}
    review: Side = "file" if mine.review > theirs.review else "stored"
    if review == "file":
        parts.append(f"review record from this file ({_review_words(mine.review, overrides.get('review_status'))})")
    elif theirs.review:
        parts.append(
            f"review record kept from the stored copy ({_review_words(theirs.review, existing.review_status)})"
        )
    if final_id != existing.conversation_id:
        parts.append(
            f"id {final_id}: the earlier system's id, carried by this file (the stored copy's id was derived "
            "from its content)"
        )
    reason = "; ".join(parts)
    if content == "file" or final_id != existing.conversation_id:
        action: Literal["replace", "update", "skip"] = "replace"
    elif (review == "file" and mine.review) or conflict:
        action = "update"
    else:
        action = "skip"
    return Decision(action, reason, existing, content, review, final_id, conflict)
