"""The rule-based score: the §7.3 rubric, mapped to 1.0–5.0."""

from __future__ import annotations

from typing import Any

from core.enrichment.quality import band_score, combined_score, rule_score, structure_score, to_five


def _turns(n: int, chars: int = 250) -> list[dict[str, Any]]:
    words = " ".join(f"word{i}" for i in range(chars // 6))
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": words[:chars]} for i in range(n)]


def test_band_score_is_ten_inside_optimal_and_fades_to_five_across_acceptable() -> None:
    assert band_score(10, (8, 16), (6, 20)) == 10.0
    assert band_score(7, (8, 16), (6, 20)) == 6.0
    assert band_score(20, (8, 16), (6, 20)) == 5.0
    assert (band_score(5, (8, 16), (6, 20)), band_score(21, (8, 16), (6, 20))) == (3.0, 4.0)


def test_structure_penalises_assistant_first_repeats_and_empty_turns() -> None:
    assert structure_score(["user", "assistant"], [200, 200]) == 10.0
    assert structure_score(["assistant", "user"], [200, 200]) == 8.0
    assert structure_score(["user", "user", "assistant"], [200, 0, 200]) == 10 - 1.5 - 2


def test_a_well_formed_conversation_scores_high_and_a_thin_one_low() -> None:
    good = rule_score(_turns(10), "template")
    thin = rule_score(_turns(2, chars=15), "template")
    assert good.score >= 4.5 and thin.score < 3.5  # seed_dataset vs. below production
    assert 1.0 <= thin.score < good.score <= 5.0


def test_breakdown_explains_the_score() -> None:
    result = rule_score(_turns(10), "template")
    assert set(result.components) == {"turns", "length", "structure", "variety"}
    assert result.score == to_five(result.total_0_10)
    assert result.signals["turn_count"] == 10


def test_tier_bands_change_the_turn_component() -> None:
    turns = _turns(6)
    assert rule_score(turns, "edge_case").components["turns"] == 10.0
    assert rule_score(turns, "template").components["turns"] < 10.0


def test_the_judge_blend_weights_rules_forty_percent() -> None:
    assert combined_score(3.0, None) == 3.0
    assert combined_score(3.0, 5.0) == 4.2
