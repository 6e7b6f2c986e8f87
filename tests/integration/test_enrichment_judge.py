"""The Claude judge through the real adapter and SDK, against the fake Messages API on loopback."""

from __future__ import annotations

from core.bootstrap import Services
from core.conversations.store import Provenance
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.support.paths import REFERENCE_DIR

RAW_TEXT = (REFERENCE_DIR / "raw-conversation.json").read_text("utf-8")


def _ingest(services: Services) -> str:
    db = services.db
    provenance = Provenance(
        arc=db.arcs.find_by(arc_key="confusion_to_clarity"), expert=services.scaffolding.active_expert()
    )
    return services.conversations.ingest(RAW_TEXT, provenance).conversation_id


def test_judged_enrichment_stores_scores_per_turn_arc_adherence_and_cost(gen_services: Services) -> None:
    cid = _ingest(gen_services)
    outcome = gen_services.enrichment.run_one(cid, judge=True)
    row = gen_services.db.conversations.get(cid)
    assert (row.empathy_score, row.brand_voice_alignment) == (5.0, 4.0)
    per_turn = row.quality_details["judge"]["arc_adherence_per_turn"]
    assert [t["turn_number"] for t in per_turn] == [1, 3, 5, 7]
    assert per_turn[0]["expected_intensity"] > per_turn[-1]["expected_intensity"]
    assert row.quality_score == round(0.4 * row.quality_details["rules"]["score"] + 0.6 * 4.2, 1)
    assert outcome.judge_cost_usd > 0


def test_each_judge_call_is_logged_with_purpose_model_and_cost(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    cid = _ingest(gen_services)
    gen_services.enrichment.run_one(cid, judge=True)
    [log] = gen_services.db.logs.list(where={"purpose": "judge"})
    assert (log.conversation_id, log.model, log.status) == (cid, gen_services.settings.cheap_model, "success")
    assert log.cost_usd > 0 and log.input_tokens > 0
    assert fake_claude.message_requests()[0].body["model"] == gen_services.settings.cheap_model


def test_judge_scores_reach_the_enriched_files_quality_criteria(gen_services: Services) -> None:
    cid = _ingest(gen_services)
    gen_services.enrichment.run_one(cid, judge=True)
    enriched = gen_services.conversations.read_json(gen_services.db.conversations.get(cid).enriched_file_path)
    criteria = enriched["training_pairs"][1]["training_metadata"]["quality_criteria"]
    assert criteria == {
        "empathy_score": 5.0,
        "clarity_score": 4.0,
        "appropriateness_score": 4.0,
        "brand_voice_alignment": 4.0,
    }


def test_a_judge_that_keeps_answering_garbage_costs_the_scores_not_the_enrichment(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    fake_claude.script("garbage", "garbage")
    cid = _ingest(gen_services)
    outcome = gen_services.enrichment.run_one(cid, judge=True)
    row = gen_services.db.conversations.get(cid)
    assert outcome.outcome == "succeeded" and row.empathy_score is None
    assert "did not match its schema" in row.quality_details["judge_error"]
    assert len(gen_services.db.logs.list(where={"purpose": "judge", "status": "failed"})) == 2
