"""Ranking templates for an arc with a one-line reason (§2.4 variant 2)."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import ValidationError
from core.generation.template_selection import choose_template, rank_templates
from core.models.scaffolding import PromptTemplate

KEYS: dict[str, Any] = {"arc_key": "grief_to_healing", "persona_key": "widow", "topic_key": "estate"}


def _t(name: str, **fields: Any) -> PromptTemplate:
    return PromptTemplate.model_validate(
        {"template_name": name, "emotional_arc_type": "grief_to_healing", "template_text": "x", **fields}
    )


def test_a_template_written_for_the_persona_and_topic_ranks_first() -> None:
    generic = _t("Generic")
    specific = _t("Specific", suitable_personas=["widow"], suitable_topics=["estate"], rating=4.8)
    ranked = rank_templates([generic, specific], tier="template", **KEYS)
    assert [r.template.template_name for r in ranked] == ["Specific", "Generic"]
    assert ranked[0].score == 1.0 and ranked[1].score == pytest.approx(0.85)
    assert ranked[0].reason == "everyday conversations; written for this client; written for this topic; rated 4.8"


def test_other_tiers_arcs_and_inactive_templates_are_excluded() -> None:
    templates = [_t("Edge", tier="edge_case"), _t("Off", is_active=False), _t("Other", emotional_arc_type="x_y")]
    assert rank_templates(templates, tier="template", **KEYS) == []


def test_persona_mismatch_scores_below_an_open_template() -> None:
    ranked = rank_templates([_t("Mismatch", suitable_personas=["other"]), _t("Open")], tier="template", **KEYS)
    assert ranked[0].template.template_name == "Open" and "meant for other clients" in ranked[1].reason


def test_no_template_for_the_tier_suggests_the_tiers_that_exist() -> None:
    with pytest.raises(ValidationError) as caught:
        choose_template([_t("Edge", tier="edge_case")], tier="template", **KEYS)
    assert "edge_case" in caught.value.user_message


def test_a_named_template_is_used_as_asked() -> None:
    chosen = choose_template([_t("A"), _t("B")], tier="template", template_name="B", **KEYS)
    assert chosen.template_name == "B"
