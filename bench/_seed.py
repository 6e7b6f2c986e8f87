"""Seeding benchmarks fast: N stored conversations (row, raw and enriched files) cloned from the reference one.

The reference enriched conversation is imported once through the real importer; each clone gets its own
conversation id, its own enriched file (the conversation id written inside it too; clones share the
reference's raw file, which only the one-conversation page reads), a persona, arc and topic
from the default scaffolding, a review status, a quality score and its own search text, and rows go in with ``add_many`` in
chunks of 1,000. 10,000 conversations take a few seconds instead of minutes of one-by-one ingests.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

from core.bootstrap import Services
from core.models.base import new_id
from core.scaffolding.defaults import install_defaults
from core.storage.blobs import CONVERSATION_FILES, enriched_conversation_path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "fixtures" / "reference" / "enriched-conversation.json"
REVIEW_MIX = ("pending_review",) * 5 + ("approved",) * 3 + ("rejected", "needs_revision")
CHUNK = 1000


def seed_conversations(services: Services, total: int, *, seed: int = 7) -> int:
    """Add conversations until the store holds ``total``; returns how many were added."""
    install_defaults(services.scaffolding)
    db = services.db
    if db.conversations.count() == 0:
        services.importer.import_path(REFERENCE)
    template = db.conversations.list(limit=1, order_by="created_at")[0]
    enriched: dict[str, Any] = services.conversations.read_json(template.enriched_file_path) or {}
    keys = {
        "persona_key": [p.persona_key for p in services.scaffolding.list("personas")],
        "emotional_arc_key": [a.arc_key for a in services.scaffolding.list("arcs")],
        "topic_key": [t.topic_key for t in services.scaffolding.list("topics")],
    }
    rng = random.Random(seed)
    vocabulary = sorted(set((template.search_text or "").split())) or ["money", "plan", "worry", "savings"]
    have = db.conversations.count()
    rows = []
    for n in range(have, total):
        cid = new_id()
        user = (template.enriched_file_path or "bench/").split("/")[0]  # the owner's folder, as the importer chose
        pairs = [pair | {"conversation_id": cid} for pair in enriched.get("training_pairs", [])]
        enriched_path = enriched_conversation_path(user, cid)
        services.blobs.put(CONVERSATION_FILES, enriched_path, _json(enriched | {"training_pairs": pairs}))
        update: dict[str, Any] = {
            "id": new_id(),
            "conversation_id": cid,
            "conversation_name": f"{template.conversation_name or 'Conversation'} ({n})",
            "source_hash": f"bench-{n}-{cid}",
            "enriched_file_path": enriched_path,
            "created_at": template.created_at + timedelta(seconds=n),
            "quality_score": round(rng.uniform(2.0, 5.0), 1),
            # Each its own words (drawn from the reference's), so no two read as near-duplicates.
            "search_text": " ".join(rng.choice(vocabulary) for _ in range(400)),
            "review_status": rng.choice(REVIEW_MIX),
            # The reference's last reply is cut off, so it is flagged truncated; clones are not, so exports
            # and the Export page include them as they would a store of complete conversations.
            "is_truncated": False,
            "truncation_pattern": None,
            **{column: rng.choice(values) for column, values in keys.items() if values},
        }
        rows.append(template.model_copy(update=update))
        if len(rows) == CHUNK:
            db.conversations.add_many(rows)
            rows = []
    if rows:
        db.conversations.add_many(rows)
    return total - have


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
