"""Scaffolding rules: keys, ranges, uniqueness, deactivation, compatibility."""

from __future__ import annotations

import pytest

from core.bootstrap import Services
from core.errors import ConflictError, ValidationError
from core.models.scaffolding import EmotionalArc, Persona, TrainingTopic
from core.scaffolding.compatibility import check_compatibility
from core.scaffolding.defaults import install_defaults

ARC = {
    "arc_key": "fear_to_confidence",
    "name": "Fear → Confidence",
    "starting_emotion": "fear",
    "ending_emotion": "confidence",
}


def test_a_key_that_is_not_snake_case_is_refused_with_the_field(services: Services) -> None:
    with pytest.raises(ValidationError) as info:
        services.scaffolding.save("arcs", {**ARC, "arc_key": "Fear To Confidence"})
    assert any(p.startswith("Key:") and "snake_case" in p for p in info.value.problems)


def test_intensity_outside_zero_to_one_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError) as info:
        services.scaffolding.save("arcs", {**ARC, "starting_intensity_max": 1.4})
    assert "Start: highest intensity: must be at most 1.0." in info.value.problems


def test_min_above_max_is_refused_naming_both_bounds(services: Services) -> None:
    with pytest.raises(ValidationError, match="cannot be saved") as info:
        services.scaffolding.save("arcs", {**ARC, "typical_turn_count_min": 9, "typical_turn_count_max": 4})
    assert (
        "“Shortest conversation (turns)” (9) must not be greater than “Longest conversation (turns)” (4)"
        in info.value.user_message
    )


def test_keys_are_unique_across_records(services: Services) -> None:
    services.scaffolding.save("arcs", ARC)
    with pytest.raises(ConflictError, match="already uses the key 'fear_to_confidence'"):
        services.scaffolding.save("arcs", {**ARC, "name": "Another"})


def test_saving_with_an_id_edits_in_place(services: Services) -> None:
    arc = services.scaffolding.save("arcs", ARC)
    services.scaffolding.save("arcs", {**arc.model_dump(), "name": "Fear → Calm confidence"})
    assert [a.name for a in services.scaffolding.list("arcs")] == ["Fear → Calm confidence"]


def test_deactivated_records_drop_out_of_active_lists(services: Services) -> None:
    services.scaffolding.save("arcs", ARC)
    services.scaffolding.set_active("arcs", "fear_to_confidence", False)
    assert services.scaffolding.list("arcs", active_only=True) == []
    assert len(services.scaffolding.list("arcs")) == 1


def test_target_turn_count_is_the_rounded_up_middle() -> None:
    arc = EmotionalArc(**ARC, typical_turn_count_min=4, typical_turn_count_max=7)  # type: ignore[arg-type]
    assert arc.target_turn_count == 6


def test_compatibility_applies_each_rule_once() -> None:
    persona = Persona(persona_key="p_one", name="P", archetype="A")
    arc = EmotionalArc(**ARC, suitable_personas=["p_two"], suitable_topics=["t_one"])  # type: ignore[arg-type]
    topic = TrainingTopic(topic_key="t_one", name="T", suitable_emotional_arcs=["other_arc"])
    result = check_compatibility(persona, arc, topic)
    assert result.score == pytest.approx(0.65)
    assert len(result.warnings) == 2 and result.is_compatible and result.suggestions


def test_missing_scaffolding_is_incompatible() -> None:
    assert check_compatibility(None, None, None).score == 0.0


def test_installing_defaults_twice_adds_them_once(services: Services) -> None:
    first = install_defaults(services.scaffolding)
    second = install_defaults(services.scaffolding)
    assert first["arcs"] == 10 and first["templates"] == 10 and first["experts"] == 1
    assert sum(second.values()) == 0
