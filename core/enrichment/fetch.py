"""Stage 1, fetch: the conversation's stored text — the parsed file, else the exact raw reply.

Input: a ``Conversation`` row. Output: ``Fetched`` (the text and where it came from). Parsing is left
to validation, so a broken raw reply becomes an ``INVALID_JSON_SYNTAX`` report instead of an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.errors import NotFoundError
from core.models.conversation import Conversation
from core.storage.ports.blobs import CONVERSATION_FILES, BlobStore, owned_conversation_path


@dataclass(frozen=True)
class Fetched:
    text: str
    source: Literal["parsed", "raw"]
    path: str


def fetch(conversation: Conversation, blobs: BlobStore) -> Fetched:
    """Read ``file_path`` (parsed JSON with ``input_parameters``), falling back to ``raw_response_path``."""
    candidates: list[tuple[Literal["parsed", "raw"], str | None]] = [
        ("parsed", owned_conversation_path(conversation.created_by, conversation.file_path)),
        ("raw", owned_conversation_path(conversation.created_by, conversation.raw_response_path)),
    ]
    for source, path in candidates:
        if path and blobs.exists(CONVERSATION_FILES, path):
            data = blobs.get(CONVERSATION_FILES, path)
            return Fetched(text=data.decode("utf-8", errors="replace"), source=source, path=path)
    raise NotFoundError(
        f"Conversation {conversation.conversation_id} has no stored JSON to enrich (no parsed or raw file).",
        hint="Generate or import it again; enrichment needs its stored reply.",
    )
