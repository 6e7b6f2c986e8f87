"""Building the enriched conversation: the reference shape, with the earlier system's flaws fixed."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from core.enrichment.enrich import EnrichmentContext, build_enriched, default_system_prompt, valence
from core.jsonutil import dumps_pretty
from core.models.scaffolding import ExpertProfile


def test_pair_ids_are_unique_and_carry_the_real_conversation_id(
    raw: dict[str, Any], context: EnrichmentContext
) -> None:
    pairs = build_enriched(raw, context)["training_pairs"]
    assert [p["id"] for p in pairs] == [f"{context.conversation_id}_turn1", f"{context.conversation_id}_turn2"]
    assert {p["conversation_id"] for p in pairs} == {context.conversation_id}


def test_user_pairs_have_no_target_and_assistant_pairs_answer_the_last_user_turn(raw, context) -> None:
    user, assistant = build_enriched(raw, context)["training_pairs"]
    assert user["target_response"] is None and user["conversation_history"] == []
    assert assistant["target_response"] == raw["turns"][1]["content"]
    assert assistant["current_user_input"] == raw["turns"][0]["content"]
    assert assistant["conversation_history"][0]["emotional_state"] == {
        "primary": "shame",
        "secondary": "anxiety",
        "intensity": 0.85,
    }


def test_system_prompt_and_consultant_come_from_the_context(raw, context) -> None:
    enriched = build_enriched(raw, context)
    assert {p["system_prompt"] for p in enriched["training_pairs"]} == {"You are Ada."}
    assert enriched["consultant_profile"]["name"] == "Ada Park"
    assert enriched["dataset_metadata"]["consultant_persona"] == "Ada Park - Park Planning"
    assert enriched["dataset_metadata"]["created_date"] == "2025-12-02"


def test_quality_fields_are_the_measured_scores_and_unmeasured_criteria_are_null(raw, context) -> None:
    meta = build_enriched(raw, context)["training_pairs"][1]["training_metadata"]
    assert meta["quality_score"] == 3.7
    assert set(meta["quality_criteria"].values()) == {None}
    judged = dataclasses.replace(context, quality_criteria={"empathy_score": 4.0, "clarity_score": 3.0})
    assert (
        build_enriched(raw, judged)["training_pairs"][0]["training_metadata"]["quality_criteria"]["empathy_score"]
        == 4.0
    )


def test_progression_target_uses_the_arcs_planned_intensities(raw, context) -> None:
    meta = build_enriched(raw, context)["training_pairs"][0]["training_metadata"]
    assert meta["emotional_progression_target"] == "shame(0.8) → acceptance(0.4)"


def test_same_input_gives_byte_identical_output(raw, context) -> None:
    first = dumps_pretty(build_enriched(raw, context))
    second = dumps_pretty(build_enriched(json.loads(json.dumps(raw)), context))
    assert first == second


def test_valence_follows_the_keyword_lists() -> None:
    assert [valence("Relief"), valence("deep shame"), valence("curiosity")] == ["positive", "negative", "mixed"]


def test_default_system_prompt_renders_the_expert_profile(expert: ExpertProfile) -> None:
    prompt = default_system_prompt(expert)
    assert prompt.startswith(
        "You are an emotionally intelligent assistant speaking in the voice of Ada Park of Park Planning"
    )
    assert "1. Feelings before facts\n2. No judgment" in prompt
    assert "- jargon" in prompt and "{{" not in prompt
