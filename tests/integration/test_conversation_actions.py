"""Everyday actions: generate and enrich right after, regenerate (old archived and linked), delete and undo."""

from __future__ import annotations

import re

import pytest

from core.bootstrap import Services
from core.conversation_actions import ReplaceNeedsConfirmation
from core.conversations.deleted import DeletedConversation
from core.errors import ConflictError
from core.models.conversation import Conversation
from core.review.guards import RISKS
from tests.fakes.anthropic_server import FakeAnthropicServer, FakeRequest, FakeResponse

KEYS = ("anxious_planner", "confusion_to_clarity", "roth_ira_conversion")


def test_generating_enriches_right_after_when_the_setting_is_on(gen_services: Services) -> None:
    assert gen_services.settings.enrich_after_generate  # on by default
    done = gen_services.actions.generate(*KEYS)
    row = gen_services.db.conversations.get(done.result.conversation_id)
    assert done.enriched is True and row.enrichment_status == "completed" and row.quality_score is not None
    assert "enriched" in done.message


def test_generating_without_enrichment_leaves_it_for_the_enrich_page(gen_services: Services) -> None:
    done = gen_services.actions.generate(*KEYS, enrich=False)
    row = gen_services.db.conversations.get(done.result.conversation_id)
    assert done.enriched is None and row.enrichment_status == "not_started"


def test_regenerate_makes_a_new_attempt_and_archives_the_old_one_linked(gen_services: Services) -> None:
    first = gen_services.actions.generate(*KEYS, enrich=False).result.conversation_id
    again = gen_services.actions.regenerate(first, by="Maya")
    new_id = again.result.conversation_id
    assert again.result.ok and new_id != first and again.replaced == first
    new, old = gen_services.db.conversations.get(new_id), gen_services.db.conversations.get(first)
    assert (new.persona_key, new.emotional_arc_key, new.topic_key, new.template_id) == (
        old.persona_key,
        old.emotional_arc_key,
        old.topic_key,
        old.template_id,
    )
    assert new.regenerated_from == first and new.enrichment_status == "completed"
    assert old.review_status == "archived" and old.is_active  # kept, not deleted
    line = gen_services.review.history(first)[0]
    assert (line.action, line.performed_by, line.details) == ("replaced", "Maya", {"replaced_by": new_id})
    assert [c.conversation_id for c in gen_services.actions.attempts(new_id)] == [first]


def test_a_failed_regeneration_leaves_the_old_conversation_alone(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    first = gen_services.actions.generate(*KEYS, enrich=False).result.conversation_id
    fake_claude.script("max_tokens")
    again = gen_services.actions.regenerate(first, by="Maya")
    assert not again.result.ok and again.replaced is None
    assert gen_services.db.conversations.get(first).review_status == "pending_review"


def test_a_conversation_without_scaffolding_cannot_be_regenerated(services: Services) -> None:
    row = services.db.conversations.add(Conversation(conversation_name="Imported"))
    with pytest.raises(ConflictError, match="cannot be written again"):
        services.actions.regenerate(row.conversation_id, by="Maya")


def test_delete_hides_everywhere_and_undo_restores(services: Services) -> None:
    from core.demo import fill_demo

    fill_demo(services)
    victim = services.db.conversations.list(where={"review_status": "approved"})[0]
    before = services.stats().conversations
    services.actions.delete(victim.conversation_id)
    assert services.stats().conversations == before - 1
    assert victim.conversation_id not in services.enrichment.pending_ids() + [
        r.conversation_id for r in services.enrichment.conversations()
    ]
    services.actions.undo_delete(victim.conversation_id)
    restored = services.db.conversations.get(victim.conversation_id)
    assert services.stats().conversations == before
    assert (restored.review_status, restored.enrichment_status) == ("approved", "completed")


def test_a_decision_made_while_regenerate_runs_is_kept_and_both_conversations_stay(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    first = gen_services.actions.generate(*KEYS).result.conversation_id
    before = fake_claude.request_count

    def reviewer_approves_during_the_call(server: FakeAnthropicServer, request: FakeRequest) -> FakeResponse:
        if server.request_count == before + 1:  # the regenerate call: a reviewer approves the old one meanwhile
            gen_services.review.decide(first, "approve", "Rita", confirm=RISKS)
        return server.handle_messages(request)

    fake_claude.routes.insert(0, ("POST", re.compile(r"/v1/messages/?$"), reviewer_approves_during_the_call))
    again = gen_services.actions.regenerate(first, by="Maya", enrich=False)
    assert again.result.ok and again.replaced is None
    assert "kept" in again.message and "approved meanwhile" in again.message and "both" in again.message
    old = gen_services.db.conversations.get(first)
    assert (old.review_status, old.reviewed_by) == ("approved", "Rita")  # the decision stands
    new = gen_services.db.conversations.get(again.result.conversation_id)
    assert new.regenerated_from == first and new.is_active
    assert [a.action for a in gen_services.review.history(first)] == ["approved"]


@pytest.mark.parametrize("held_by", ["approval", "training file"])
def test_regenerating_an_approved_or_used_conversation_asks_first_and_bills_nothing_until_confirmed(
    gen_services: Services, fake_claude: FakeAnthropicServer, held_by: str
) -> None:
    first = gen_services.actions.generate(*KEYS).result.conversation_id
    if held_by == "approval":
        gen_services.review.decide(first, "approve", "Rita", confirm=RISKS)
        words = "it is approved"
    else:
        gen_services.training_files.create("First set", conversation_ids=[first])
        words = "it is in the training file 'First set'"
    assert gen_services.actions.replacing_needs(first) == [words]
    calls, logs = fake_claude.request_count, gen_services.db.logs.count()
    with pytest.raises(ReplaceNeedsConfirmation, match=words):
        gen_services.actions.regenerate(first, by="Maya")
    assert (fake_claude.request_count, gen_services.db.logs.count()) == (calls, logs)  # nothing paid
    again = gen_services.actions.regenerate(first, by="Maya", confirm=True, enrich=False)
    assert again.replaced == first
    assert gen_services.db.conversations.get(first).review_status == "archived"


def test_a_deleted_conversation_cannot_be_regenerated_and_nothing_is_billed(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    first = gen_services.actions.generate(*KEYS, enrich=False).result.conversation_id
    gen_services.actions.delete(first)
    calls = fake_claude.request_count
    with pytest.raises(DeletedConversation, match="is deleted, so you cannot regenerate it"):
        gen_services.actions.regenerate(first, by="Maya")
    assert fake_claude.request_count == calls
