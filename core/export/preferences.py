"""Where DPO preference pairs come from: reviewers' blind A/B picks, and regenerated conversations whose new
attempt was approved while the old one was archived or rejected (``core.export.dpo`` builds each pair)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from core.conversations.store import ConversationStore
from core.export.dpo import PreferencePair, from_attempts, from_pick
from core.export.messages import conversation_example
from core.export.selection import Selection, iter_rows
from core.models.conversation import Conversation
from core.models.evaluation import PreferencePick
from core.models.statuses import Review
from core.storage.ports.blobs import owned_conversation_path

#: The old attempt's decisions that make the approved new one the preferred answer.
DISPLACED: tuple[str, ...] = (Review.ARCHIVED, Review.REJECTED)
PicksSource = Callable[[], Iterable[PreferencePick]]


def chat_of(store: ConversationStore, row: Conversation) -> list[dict[str, Any]]:
    """The conversation as chat messages: from its enriched file (with the system prompt), else its turns."""
    enriched = store.read_json(owned_conversation_path(row.created_by, row.enriched_file_path))
    if isinstance(enriched, dict) and isinstance(enriched.get("training_pairs"), list):
        example = conversation_example(row.conversation_id, enriched["training_pairs"])
        if example is not None:
            return [{"role": m.role, "content": m.content} for m in example.chat()]
    parsed = store.read_json(owned_conversation_path(row.created_by, row.file_path))
    turns = parsed.get("turns") if isinstance(parsed, dict) else None
    return [{"role": t.get("role"), "content": t.get("content")} for t in turns or [] if isinstance(t, dict)]


def regenerated_pairs(store: ConversationStore) -> Iterator[tuple[str, PreferencePair | None]]:
    """Each approved conversation that replaced another, with the pair it makes (``None``: no counterpart)."""
    for row in iter_rows(store, Selection(statuses=(Review.APPROVED,), include_truncated=True)):
        if not row.regenerated_from:
            continue
        old = store.rows.find(row.regenerated_from)
        if old is None or old.review_status not in DISPLACED:
            yield row.conversation_id, None
            continue
        yield row.conversation_id, from_attempts(chat_of(store, row), chat_of(store, old))


def preference_pairs(store: ConversationStore, picks: PicksSource) -> tuple[list[PreferencePair], int]:
    """Every preference pair (picks first, then regenerated conversations) and how many sources were read."""
    pairs: list[PreferencePair] = []
    sources = 0
    for pick in picks():
        sources += 1
        if (pair := from_pick(pick)) is not None:
            pairs.append(pair)
    for _conversation_id, found in regenerated_pairs(store):
        sources += 1
        if found is not None:
            pairs.append(found)
    return pairs, sources
