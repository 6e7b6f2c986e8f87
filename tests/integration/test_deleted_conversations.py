"""A deleted conversation accepts no action but restore (issue 24, item 11); each refusal says so plainly."""

from __future__ import annotations

import pytest

from core.bootstrap import Services
from core.conversations.deleted import DeletedConversation
from core.errors import ValidationError
from core.review.guards import RISKS
from tests.fakes.anthropic_server import FakeAnthropicServer

KEYS = ("anxious_planner", "confusion_to_clarity", "roth_ira_conversion")
RUBRIC = dict.fromkeys(("empathy", "clarity", "appropriateness", "expert_voice"), 4)


@pytest.fixture
def deleted(gen_services: Services) -> str:
    """An enriched conversation, deleted (it could be restored)."""
    cid = gen_services.actions.generate(*KEYS).result.conversation_id
    gen_services.actions.delete(cid)
    return cid


def test_review_actions_on_a_deleted_conversation_are_refused_in_plain_words(
    gen_services: Services, deleted: str
) -> None:
    review = gen_services.review
    name = gen_services.db.conversations.get(deleted).conversation_name
    attempts = {
        "approve it": lambda: review.decide(deleted, "approve", "Rita", confirm=RISKS),
        "archive it": lambda: review.decide(deleted, "archive", "Rita"),
        "edit its turns": lambda: review.edit_turn(deleted, 1, "A new opening line.", "Rita"),
        "rate its turns": lambda: review.rate_turn(deleted, 1, "good", "Rita"),
        "grade it": lambda: review.grade(deleted, "Rita", overall=4, rubric=RUBRIC),
        "enrich it": lambda: review.enrich([deleted], "Rita"),
    }
    for doing, attempt in attempts.items():
        with pytest.raises(DeletedConversation) as refused:
            attempt()
        assert refused.value.message == (
            f"'{name}' is deleted, so you cannot {doing}: a deleted conversation can only be restored."
        )
        assert "Restore it first" in (refused.value.hint or "")
    bulk = review.bulk([deleted], "approve", "Rita", confirm=RISKS)
    assert bulk.done == [] and "is deleted" in bulk.refused[0].reason
    row = gen_services.db.conversations.get(deleted)
    assert (row.review_status, row.enrichment_status, row.is_active) == ("pending_review", "completed", False)
    assert review.history(deleted) == [] and gen_services.review_log.revisions(deleted) == []


def test_a_deleted_conversation_is_not_enriched_again_nor_put_in_a_training_file(
    gen_services: Services, deleted: str, fake_claude: FakeAnthropicServer
) -> None:
    calls = fake_claude.request_count
    outcome = gen_services.enrichment.run_one(deleted, judge=True, force=True)
    assert outcome.outcome == "skipped" and "is deleted" in (outcome.error or "")
    assert fake_claude.request_count == calls  # no judge call paid for
    with pytest.raises(ValidationError) as refused:
        gen_services.training_files.create("First set", conversation_ids=[deleted])
    name = gen_services.db.conversations.get(deleted).conversation_name
    assert refused.value.problems == [f"'{name}' is deleted; restore it first"]


def test_restore_is_the_one_action_a_deleted_conversation_accepts(gen_services: Services, deleted: str) -> None:
    gen_services.actions.undo_delete(deleted)
    approved = gen_services.review.decide(deleted, "approve", "Rita", confirm=RISKS)
    assert approved.review_status == "approved"
