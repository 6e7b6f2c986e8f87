"""Stage 5, store: write the normalized bytes to ``{user}/{conversation_id}/enriched.json``.

Input: the conversation row and the normalized bytes. Output: the path and size written. The row then
records ``enriched_file_path``, ``enriched_file_size``, ``enriched_at`` and ``enrichment_status='enriched'``
(the pipeline does that write, so every status change lives in one place).
"""

from __future__ import annotations

from core.models.base import NIL_UUID
from core.models.conversation import Conversation
from core.storage.ports.blobs import CONVERSATION_FILES, BlobStore, enriched_conversation_path


def store(conversation: Conversation, data: bytes, blobs: BlobStore) -> tuple[str, int]:
    """Upload (overwriting an earlier run) and return ``(path, size)``."""
    path = enriched_conversation_path(conversation.created_by or NIL_UUID, conversation.conversation_id)
    blobs.put(CONVERSATION_FILES, path, data)
    return path, len(data)
