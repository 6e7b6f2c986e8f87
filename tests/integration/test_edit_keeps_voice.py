"""Issue 23, finding 3: editing one turn of an imported conversation keeps the conversation's own voice.

Only that turn's pairs are re-derived, from the conversation's own snapshot (the imported expert and system
prompt, never today's profile); seed-format extras, skills and scores survive; an approved conversation
goes back to review with the reason unless the editing reviewer confirms it stays approved. On SQLite and
on the real PostgreSQL.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from core.bootstrap import Services
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES, LocalBlobStore
from core.storage.database import Database
from tests.support import import_files as files

CID = "e1e1a000-0000-4000-8000-000000000001"
PROMPT = "You are an emotionally intelligent financial planning chatbot representing Elena Morales, CFP."
PROFILE = {
    "name": "Elena Morales, CFP",
    "business": "Pathways Financial Planning",
    "expertise": "fee-only planning",
    "years_experience": 15,
    "core_philosophy": {"principle_1": "Money is emotional"},
    "communication_style": {"tone": "warm", "techniques": ["ask first"], "avoid": ["jargon"]},
}
EXTRAS = {
    "response_strategy": {"primary": "validate then educate"},
    "response_breakdown": [{"sentence": 1, "purpose": "validate"}],
    "emotional_indicators": ["hesitation"],
    "expected_user_response_patterns": ["relief"],
}
NEW_ANSWER = "Let's open the statement together, one line at a time."


def _seed_file() -> bytes:
    pairs = files.seed_pairs()
    for pair in pairs:
        pair["system_prompt"] = PROMPT
        pair |= copy.deepcopy(EXTRAS)
        pair["training_metadata"] = {
            "demonstrates_skills": ["validation", "plain numbers"],
            "quality_score": 4.5,
            "quality_criteria": {"empathy_score": 4.8},
            "human_reviewed": True,
        }
    data = files.training_file([(CID, pairs)])
    data["consultant_profile"] = PROFILE
    return files.dumps(data)


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Services:
    data = tmp_path / "data"
    services = Services(settings=Settings(data_dir=data), db=db, blobs=LocalBlobStore(data / "buckets"))
    install_defaults(services.scaffolding)  # today's expert: not the one the file was written with
    services.importer.import_bytes(_seed_file(), source="seed.json")
    return services


def _pairs(svc: Services) -> list[dict[str, Any]]:
    row = svc.db.conversations.get(CID)
    return (svc.conversations.read_json(row.enriched_file_path) or {})["training_pairs"]


def test_an_edit_re_derives_only_that_turns_pairs_in_the_conversations_own_voice(svc: Services) -> None:
    before = _pairs(svc)
    result = svc.review.edit_turn(CID, 2, NEW_ANSWER, "Ana")
    after = _pairs(svc)
    assert result.re_enriched and "own voice" in result.message
    expected = copy.deepcopy(before)  # only where turn 2's text was: its answer and later pairs' history
    expected[0]["target_response"] = NEW_ANSWER
    for pair in expected[1:]:
        pair["conversation_history"][1]["content"] = NEW_ANSWER
    assert after == expected
    assert {p["system_prompt"] for p in after} == {PROMPT}
    for old, new in zip(before, after, strict=True):
        assert {k: new[k] for k in EXTRAS} == EXTRAS
        assert new["training_metadata"] == old["training_metadata"]  # skills, scores, human_reviewed kept
    row = svc.db.conversations.get(CID)
    assert row.enrichment_status == "completed" and row.turn_count == 6


def test_an_edit_to_an_approved_conversation_sends_it_back_to_review_with_the_reason(svc: Services) -> None:
    assert svc.db.conversations.get(CID).review_status == "approved"
    result = svc.review.edit_turn(CID, 2, NEW_ANSWER, "Ana")
    row = svc.db.conversations.get(CID)
    assert result.sent_back and "went back to review" in result.message
    assert row.review_status == "pending_review" and row.reviewed_by is None
    assert row.review_notes == "Turn 2 was edited by Ana after approval; review it again."
    moved = [h for h in svc.review.history(CID) if h.action == "moved_to_review"]
    assert len(moved) == 1 and moved[0].comment == row.review_notes


def test_the_editing_reviewer_can_confirm_it_stays_approved(svc: Services) -> None:
    result = svc.review.edit_turn(CID, 2, NEW_ANSWER, "Ana", keep_approved=True)
    row = svc.db.conversations.get(CID)
    assert not result.sent_back and row.review_status == "approved"
    edited = [h for h in svc.review.history(CID) if h.action == "turn_edited"]
    assert edited[0].comment == "Kept approved by the reviewer who edited it."


def test_a_full_re_enrichment_uses_the_imported_expert_not_todays(svc: Services) -> None:
    outcome = svc.enrichment.run_one(CID, force=True)
    assert outcome.outcome == "succeeded", outcome.error
    row = svc.db.conversations.get(CID)
    enriched = svc.conversations.read_json(row.enriched_file_path) or {}
    assert {p["system_prompt"] for p in enriched["training_pairs"]} == {PROMPT}
    assert enriched["consultant_profile"]["name"] == "Elena Morales, CFP"
    assert enriched["dataset_metadata"]["consultant_persona"].startswith("Elena Morales, CFP")


def test_a_re_enrichment_after_an_edit_leaves_no_earlier_pairs_file_behind(svc: Services) -> None:
    svc.review.edit_turn(CID, 2, NEW_ANSWER, "Ana")
    assert svc.enrichment.run_one(CID, force=True).outcome == "succeeded"
    row = svc.db.conversations.get(CID)
    owned = {row.raw_response_path, row.file_path, row.enriched_file_path}
    kept = [p for p in svc.blobs.list(CONVERSATION_FILES) if "/enriched" in p]
    assert kept == [row.enriched_file_path] and row.enriched_file_path in owned
