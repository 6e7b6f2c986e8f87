"""Prompt rendering: the default templates' text is pinned; unknown and missing variables are named.

Regenerate the golden files after an intended change with: UPDATE_GOLDEN=1 pytest tests/unit/test_prompts.py
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from core.errors import ValidationError
from core.generation.prompts import check_template, render_system_prompt, render_text, system_blocks
from core.generation.variables import TEMPLATE_VARIABLES, build_variables
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic
from core.scaffolding.defaults import load_default_records

GOLDEN = Path(__file__).parent / "golden" / "prompts"
# (arc, persona, topic): two core arcs and one edge arc
PINNED = [
    ("confusion_to_clarity", "anxious_planner", "roth_ira_conversion"),
    ("shame_to_acceptance", "overwhelmed_avoider", "hiding_financial_problems"),
    ("crisis_to_referral", "recently_widowed", "estate_planning_basics"),
]


def _default(kind: str, key_field: str, key: str) -> dict[str, Any]:
    return next(r for r in load_default_records(kind) if r[key_field] == key)  # type: ignore[arg-type]


def _render(arc_key: str, persona_key: str, topic_key: str) -> tuple[str, str]:
    expert = ExpertProfile.model_validate(load_default_records("experts")[0])
    arc = EmotionalArc.model_validate(_default("arcs", "arc_key", arc_key))
    variables = build_variables(
        expert,
        Persona.model_validate(_default("personas", "persona_key", persona_key)),
        arc,
        TrainingTopic.model_validate(_default("topics", "topic_key", topic_key)),
        tier=arc.tier,
    )
    template = PromptTemplate.model_validate(_default("templates", "emotional_arc_type", arc_key))
    return render_system_prompt(variables), render_text(template.template_text, variables, name="t")


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; UPDATE_GOLDEN=1 if intended"


@pytest.mark.parametrize(("arc", "persona", "topic"), PINNED)
def test_default_prompts_render_as_pinned(arc: str, persona: str, topic: str) -> None:
    system, user = _render(arc, persona, topic)
    _check_golden(f"{arc}.system.md", system)
    _check_golden(f"{arc}.user.md", user)
    assert "{{" not in system + user and "Not specified" not in system


def test_every_default_template_uses_only_known_variables() -> None:
    for record in load_default_records("templates"):
        check_template(PromptTemplate.model_validate(record))


def test_lists_render_as_bullet_lines_and_bounds_come_from_the_arc() -> None:
    _system, user = _render(*PINNED[0])
    arc = EmotionalArc.model_validate(_default("arcs", "arc_key", PINNED[0][0]))
    assert f"- {arc.key_principles[0]}" in user
    assert f"between {arc.starting_intensity_min} and {arc.starting_intensity_max}" in user
    assert f"Aim for {arc.target_turn_count} turns" in user


def _template(text: str) -> PromptTemplate:
    return PromptTemplate(template_name="T", emotional_arc_type="confusion_to_clarity", template_text=text)


def test_saving_a_template_with_an_unknown_variable_is_refused_naming_it(services: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.scaffolding.save("templates", _template("Hi {{ persona_name }} {{ persona_shoe_size }}").model_dump())
    assert "persona_shoe_size" in caught.value.user_message
    assert services.db.templates.count() == 0


def test_check_template_accepts_known_variables() -> None:
    check_template(_template("{% if persona_typical_questions %}{{ persona_typical_questions }}{% endif %}"))
    assert "persona_typical_questions" in TEMPLATE_VARIABLES


def test_missing_variable_at_render_names_it() -> None:
    with pytest.raises(ValidationError) as caught:
        render_text("Hello {{ topic_name }}", {"persona_name": "A"}, name="greeting")
    assert "'topic_name'" in caught.value.message and "greeting" in caught.value.message


def test_sandbox_refuses_reaching_into_python_internals() -> None:
    with pytest.raises(ValidationError):
        render_text("{{ topic_name.__class__.__mro__[1].__subclasses__() }}", {"topic_name": "x"}, name="evil")


def test_system_blocks_join_back_to_the_exact_prompt_and_cache_the_expert_part() -> None:
    system, _user = _render(*PINNED[2])
    persona = Persona.model_validate(_default("personas", "persona_key", PINNED[2][1]))
    blocks = system_blocks(system)
    assert "".join(b.text for b in blocks) == system
    assert blocks[0].cache and not blocks[1].cache
    assert persona.name not in blocks[0].text and persona.name in blocks[1].text
