"""Conversations for the review tests: stored through the real ``ConversationStore``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.bootstrap import review_service
from core.conversations.store import ConversationStore, Provenance
from core.models.base import new_id
from core.models.conversation import Conversation
from core.review.service import ReviewService
from core.storage.blobs import LocalBlobStore
from core.storage.database import Database


def raw_reply(*texts: str, intensities: tuple[float, ...] = ()) -> str:
    """A raw conversation whose turns alternate user/assistant with ``texts``."""
    turns = [
        {
            "turn_number": n,
            "role": "user" if n % 2 else "assistant",
            "content": text,
            "emotional_context": {
                "primary_emotion": "worried" if n % 2 else "calm",
                "intensity": intensities[n - 1] if n <= len(intensities) else 0.5,
            },
        }
        for n, text in enumerate(texts, start=1)
    ]
    metadata = {"client_persona": "Test client", "session_context": "a call", "conversation_phase": "opening"}
    return json.dumps({"conversation_metadata": metadata, "turns": turns})


def add_conversation(store: ConversationStore, *texts: str, name: str | None = None, **row: Any) -> Conversation:
    """Store one conversation (default two turns); ``row`` overrides columns such as quality or keys."""
    # Each conversation needs its own text: identical turns are recognised as the same conversation.
    texts = texts or (f"I am worried about my savings ({new_id()[:8]}).", "Let us look at them together.")
    overrides = dict(row)
    if name is not None:
        overrides["conversation_name"] = name
    return store.ingest(raw_reply(*texts), Provenance(), source="imported", row_overrides=overrides)


def add_ready(store: ConversationStore, *texts: str, name: str | None = None, **row: Any) -> Conversation:
    """A conversation that is enriched and scored, so approving it needs no confirmation."""
    return add_conversation(
        store, *texts, name=name, **({"enrichment_status": "completed", "quality_score": 4.0} | row)
    )


@pytest.fixture(name="review")
def review_fixture(db: Database, tmp_path: Path) -> ReviewService:
    """A review service over the parametrised ``db`` (SQLite and Postgres) and local blob buckets."""
    return review_service(db, LocalBlobStore(tmp_path / "buckets"))
