"""Review hands off to the real enrichment and training-file services when they are built."""

from __future__ import annotations

import pytest

from core.bootstrap import Services
from core.demo import load_demo


@pytest.fixture
def demo_ids(services: Services) -> list[str]:
    load_demo(services.importer)
    return [c.conversation_id for c in services.db.conversations.list(limit=2)]


def test_editing_a_turn_re_enriches_the_conversation(services: Services, demo_ids: list[str]) -> None:
    first = demo_ids[0]
    result = services.review.edit_turn(
        first, 2, "Let us take this one step at a time, together, starting today.", "Ana"
    )
    row = services.db.conversations.get(first)
    assert result.re_enriched and row.enrichment_status == "completed"
    enriched = services.conversations.read_json(row.enriched_file_path) or {}
    assert "one step at a time" in str(enriched["training_pairs"])


def test_bulk_enrich_then_add_to_a_training_file(services: Services, demo_ids: list[str]) -> None:
    assert "2 succeeded" in services.review.enrich(demo_ids, "Ana")
    message = services.review.add_to_training_file(demo_ids, "Ana", file_name="Reviewed set")
    assert "Created training file 'Reviewed set'" in message
    members = services.db.training_members.list(where={"conversation_id": demo_ids})
    assert {m.added_by for m in members} == {"Ana"}
    actions = [h.action for h in services.review.history(demo_ids[0])]
    assert actions == ["added_to_training_file", "enrichment_requested"]
