"""Storing conversations: the exact raw text, the parsed file, and the row, kept consistent.

Used by generation (single and batch), the importer and the demo loader, so every conversation gets
the same provenance whatever its source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from core.conversations.rows import Provenance, build_row, content_fingerprint, parse, parse_reply, search_text
from core.jsonutil import dumps_compact, dumps_pretty
from core.models.base import NIL_UUID, new_id, utcnow
from core.models.conversation import Conversation, Source
from core.models.statuses import Enrichment
from core.storage.ports import Connection, ConversationRows, Transactions
from core.storage.ports.blobs import (
    CONVERSATION_FILES,
    BlobStore,
    enriched_conversation_path,
    owned_conversation_path,
    parsed_conversation_path,
    raw_conversation_path,
)

__all__ = ["ConversationStore", "Provenance", "content_fingerprint", "parse_reply", "search_text"]


class ConversationStore:
    """Conversations as files and rows: ``transactions`` is the unit of work, ``rows`` the ``ConversationRows``
    port, ``blobs`` the files (all given by ``core.bootstrap.conversation_store``)."""

    def __init__(self, transactions: Transactions, rows: ConversationRows, blobs: BlobStore) -> None:
        self.transactions = transactions
        self.rows = rows
        self.blobs = blobs

    def find_duplicate(self, turns: list[Any], *, created_by: str | None = None) -> Conversation | None:
        """``created_by``'s conversation with the same turns (each owner has their own set, m0006)."""
        return self.rows.find_by(source_hash=content_fingerprint(turns), created_by=created_by)

    def ingest(
        self,
        raw_text: str,
        provenance: Provenance,
        *,
        source: Source = "generated",
        conversation_id: str | None = None,
        created_by: str | None = None,
        job_id: str | None = None,
        enriched: dict[str, Any] | None = None,
        row_overrides: dict[str, Any] | None = None,
        attempt: str | None = None,
        guard: Callable[[Connection], None] | None = None,
    ) -> Conversation:
        """Store ``raw_text`` exactly, parse it, write the parsed file and the row: parse → build row → write
        blobs → persist.

        A reply that cannot be parsed still gets a row (``parse_failed``, ``requires_manual_review``)
        so the text is never lost. If writing the row fails, the blobs written are removed again: only
        these, since every call writes its own paths (``attempt``: a batch claim's token, else a random one). ``guard`` runs
        in the transaction that inserts the row and may raise to refuse it (a batch lease that was lost).
        """
        conversation_id = conversation_id or new_id()
        user = created_by or NIL_UUID
        now = utcnow()
        raw_bytes = raw_text.encode("utf-8")
        # Two writers of one id with different text never share a file; the same text (a re-run) reuses it.
        attempt = attempt or hashlib.sha256(raw_bytes).hexdigest()[:10]
        raw_path = raw_conversation_path(user, conversation_id, attempt)
        parsed = parse(raw_text, provenance)
        row = build_row(
            parsed,
            provenance,
            conversation_id=conversation_id,
            source=source,
            created_by=created_by,
            job_id=job_id,
            now=now,
            raw_text=raw_text,
            raw_path=raw_path,
            raw_size=len(raw_bytes),
        )
        written = self._write_blobs(row, raw_bytes, parsed.data, enriched, attempt=attempt, now=now)
        for name, value in (row_overrides or {}).items():
            setattr(row, name, value)
        return self._persist(row, written, guard)

    def _write_blobs(
        self,
        row: Conversation,
        raw_bytes: bytes,
        data: dict[str, Any] | None,
        enriched: dict[str, Any] | None,
        *,
        attempt: str,
        now: datetime,
    ) -> list[str]:
        """Write the raw reply, the parsed file (when it parsed) and the enriched file (when given); the row
        records their paths and sizes. Returns the paths written.

        The parsed file is compact JSON: it is written for every item of a batch and read only as JSON, and
        the standard library writes indented JSON several times slower (in Python, not C)."""
        user = row.created_by or NIL_UUID
        self.blobs.put(CONVERSATION_FILES, row.raw_response_path or "", raw_bytes)
        written = [row.raw_response_path or ""]
        if data is not None:
            parsed_path = parsed_conversation_path(user, row.conversation_id, attempt)
            parsed_bytes = dumps_compact(data).encode("utf-8")
            self.blobs.put(CONVERSATION_FILES, parsed_path, parsed_bytes)
            written.append(parsed_path)
            row.file_path, row.file_size = parsed_path, len(parsed_bytes)
        if enriched is not None:
            enriched_path = enriched_conversation_path(user, row.conversation_id)
            enriched_bytes = dumps_pretty(enriched)
            self.blobs.put(CONVERSATION_FILES, enriched_path, enriched_bytes)
            written.append(enriched_path)
            row.enrichment_status = Enrichment.COMPLETED
            row.enriched_file_path, row.enriched_file_size, row.enriched_at = enriched_path, len(enriched_bytes), now
        return written

    def _persist(
        self, row: Conversation, written: list[str], guard: Callable[[Connection], None] | None
    ) -> Conversation:
        """Insert the row (after ``guard``, in one transaction); on failure remove the files this call wrote."""
        try:
            with self.transactions.transaction() as conn:
                if guard is not None:
                    guard(conn)
                return self.rows.add(row, conn=conn)
        except Exception:
            kept = self._referenced(row.conversation_id)
            for path in written:
                if path not in kept:  # never a file the stored row points to (same text, same path)
                    self.blobs.delete(CONVERSATION_FILES, path)
            raise

    def _referenced(self, conversation_id: str) -> set[str | None]:
        """The files the stored row of ``conversation_id`` points to (none known when the database cannot say)."""
        try:
            row = self.rows.find(conversation_id)
        except Exception:
            return set()
        return {row.raw_response_path, row.file_path, row.enriched_file_path} if row else set()

    def read_json(self, path: str | None) -> dict[str, Any] | None:
        """A stored conversation file as JSON, or ``None`` when the path is empty."""
        if not path:
            return None
        return json.loads(self.blobs.get(CONVERSATION_FILES, path))

    def raw_text(self, conversation: Conversation) -> str | None:
        if not conversation.raw_response_path:
            return None
        path = owned_conversation_path(conversation.created_by, conversation.raw_response_path) or ""
        return self.blobs.get(CONVERSATION_FILES, path).decode("utf-8")
