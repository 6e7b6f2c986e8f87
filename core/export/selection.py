"""Which conversations an export or training file holds, read page by page in a stable order.

Order: the order conversations were stored (``created_at``, then ``conversation_id``), so an imported
training file exports in its own order. A training file's members come in the order they were added.
Only rows with ``enrichment_status == "completed"`` and an enriched file have training pairs to export.
Conversations marked truncated (an answer cut off mid-sentence) are left out unless ``include_truncated``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from core.conversations.store import ConversationStore
from core.conversations.truncation import truncated_answers
from core.errors import ValidationError
from core.models.conversation import Conversation
from core.models.statuses import REVIEW_STATUSES, Enrichment, Review
from core.storage.ports.blobs import owned_conversation_path

PAGE_SIZE = 200
DEFAULT_STATUSES: tuple[str, ...] = (Review.APPROVED,)


@dataclass(frozen=True)
class Selection:
    """A filter: review statuses (``None`` = any), optionally explicit conversation ids, and truncated or not."""

    statuses: tuple[str, ...] | None = DEFAULT_STATUSES
    conversation_ids: tuple[str, ...] | None = None
    include_truncated: bool = False

    def where(self) -> dict[str, Any]:
        where: dict[str, Any] = {"is_active": True, "enrichment_status": Enrichment.COMPLETED}
        if self.statuses is not None:
            where["review_status"] = list(self.statuses)
        if not self.include_truncated:
            where["is_truncated"] = False
        return where


def parse_statuses(value: str | None, *, default: tuple[str, ...] = DEFAULT_STATUSES) -> tuple[str, ...] | None:
    """``--status`` text -> statuses: ``all`` means any; a comma list of review statuses is allowed."""
    if value is None or not value.strip():
        return default
    if value.strip() == "all":
        return None
    statuses = tuple(s.strip() for s in value.split(",") if s.strip())
    unknown = [s for s in statuses if s not in REVIEW_STATUSES]
    if unknown:
        raise ValidationError(
            f"Unknown review status: {', '.join(unknown)}.", hint=f"Use 'all' or one of: {', '.join(REVIEW_STATUSES)}."
        )
    return statuses


@dataclass
class ExportItem:
    """One conversation ready to export: its row and its enriched file."""

    row: Conversation
    enriched: dict[str, Any]

    @property
    def reviewed_by_person(self) -> bool:
        """A person reviewed this conversation (the importer's stamp does not count)."""
        return bool(self.row.reviewed_by) and self.row.reviewed_by != "import"

    @property
    def pairs(self) -> list[dict[str, Any]]:
        """The training pairs, each saying whether a person reviewed it (as the file header counts)."""
        pairs = self.enriched.get("training_pairs")
        if not isinstance(pairs, list):
            return []
        reviewed = self.reviewed_by_person
        return [_with_review(p, reviewed) for p in pairs if isinstance(p, dict)]


def _with_review(pair: dict[str, Any], reviewed: bool) -> dict[str, Any]:
    """The pair saying whether a person reviewed it: a file that says so already (hand-reviewed seed files) is
    kept as it says, whoever imported it."""
    meta = pair.get("training_metadata")
    if not isinstance(meta, dict) or meta.get("human_reviewed") == reviewed or meta.get("human_reviewed") is True:
        return pair
    return pair | {"training_metadata": meta | {"human_reviewed": reviewed}}


def iter_rows(
    store: ConversationStore, selection: Selection, *, page_size: int = PAGE_SIZE, only_truncated: bool = False
) -> Iterator[Conversation]:
    """Matching rows, a page at a time (memory stays flat however many there are)."""
    extra = {"is_truncated": True} if only_truncated else {}
    if selection.conversation_ids is not None:
        yield from _rows_by_id(store, selection, page_size, extra)
        return
    offset = 0
    while True:
        page = store.rows.list(
            where=selection.where() | extra, order_by=("created_at", "conversation_id"), limit=page_size, offset=offset
        )
        yield from page
        if len(page) < page_size:
            return
        offset += page_size


def _rows_by_id(
    store: ConversationStore, selection: Selection, page_size: int, extra: dict[str, Any]
) -> Iterator[Conversation]:
    ids = list(selection.conversation_ids or ())
    for start in range(0, len(ids), page_size):
        chunk = ids[start : start + page_size]
        where = selection.where() | extra | {"conversation_id": chunk}
        found = {r.conversation_id: r for r in store.rows.list(where=where)}
        yield from (found[i] for i in chunk if i in found)


def iter_items(store: ConversationStore, rows: Iterable[Conversation]) -> Iterator[ExportItem]:
    """Rows with their enriched files (read one at a time)."""
    for row in rows:
        enriched = store.read_json(owned_conversation_path(row.created_by, row.enriched_file_path))
        if isinstance(enriched, dict):
            yield ExportItem(row, enriched)


def truncated_counts(store: ConversationStore, selection: Selection) -> tuple[int, int]:
    """(conversations, assistant answers) cut off mid-sentence among the truncated rows ``selection`` leaves out.

    Read a page of rows and one enriched file at a time: memory stays flat however many there are.
    """
    truncated = Selection(selection.statuses, selection.conversation_ids, include_truncated=True)
    rows = (r for r in iter_rows(store, truncated, only_truncated=True))
    conversations = answers = 0
    for item in iter_items(store, rows):
        conversations += 1
        answers += truncated_answers(item.pairs) or 1
    return conversations, answers


class TruncationTally:
    """Counts truncated conversations and their cut-off answers as an export streams past them."""

    def __init__(self) -> None:
        self.conversations = 0
        self.answers = 0

    def watch(self, items: Iterable[ExportItem]) -> Iterator[ExportItem]:
        for item in items:
            if item.row.is_truncated:
                self.conversations += 1
                self.answers += truncated_answers(item.pairs) or 1
            yield item


def count(store: ConversationStore, selection: Selection) -> int:
    if selection.conversation_ids is not None:
        return sum(1 for _ in iter_rows(store, selection))
    return store.rows.count(where=selection.where())
