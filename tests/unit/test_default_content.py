"""The shipped default scaffolding, generation templates and demo dataset are valid and consistent.

Covers ``core/defaults/*.json``, ``templates/generation/*.md.j2`` and ``core/demo/conversations/*.json``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2 import meta

from core.models.conversation import InputParameters, RawConversation
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic

REPO = Path(__file__).resolve().parents[2]
DEFAULTS = REPO / "core" / "defaults"
TEMPLATES = REPO / "templates"
DEMO = REPO / "core" / "demo" / "conversations"

REQUIRED_PERSONAS = {"overwhelmed_avoider", "anxious_planner", "pragmatic_optimist"}
CORE_ARCS = {
    "confusion_to_clarity",
    "shame_to_acceptance",
    "couple_conflict_to_alignment",
    "anxiety_to_confidence",
    "grief_to_healing",
    "overwhelm_to_empowerment",
    "emergency_to_calm",
}
EDGE_ARCS = {"crisis_to_referral", "hostility_to_boundary", "overwhelm_to_triage"}

# The variables the generation service supplies to a template (list-valued ones as "- item" lines).
ALLOWED_VARIABLES = frozenset(
    [
        "expert_name",
        "expert_business",
        "expert_expertise",
        "expert_years_experience",
        "expert_principles",
        "expert_tone",
        "expert_techniques",
        "expert_avoid",
        "client_name",
        "client_who_they_are",
        "client_age",
        "client_occupation",
        "client_situation",
        "client_background",
        "client_goals",
        "client_how_they_talk",
        "client_usual_mood",
        "client_typical_questions",
        "client_worries",
        "client_phrases",
        "client_custom_fields",
        "emotional_arc_name",
        "emotional_arc_type",
        "starting_emotion",
        "ending_emotion",
        "arc_strategy",
        "arc_key_principles",
        "arc_characteristic_phrases",
        "arc_response_techniques",
        "arc_avoid_tactics",
        "starting_intensity_min",
        "starting_intensity_max",
        "ending_intensity_min",
        "ending_intensity_max",
        "typical_turn_count_min",
        "typical_turn_count_max",
        "target_turn_count",
        "topic_name",
        "topic_key",
        "topic_description",
        "topic_category",
        "topic_complexity",
        "topic_key_concepts",
        "topic_example_questions",
        "tier",
    ]
)


def _load(name: str) -> Any:
    return json.loads((DEFAULTS / name).read_text(encoding="utf-8"))


@cache
def expert() -> ExpertProfile:
    return ExpertProfile(**_load("expert_profile.json"))


@cache
def personas() -> dict[str, Persona]:
    return {p.persona_key: p for p in (Persona(**raw) for raw in _load("personas.json"))}


@cache
def arcs() -> dict[str, EmotionalArc]:
    return {a.arc_key: a for a in (EmotionalArc(**raw) for raw in _load("emotional_arcs.json"))}


@cache
def topics() -> dict[str, TrainingTopic]:
    return {t.topic_key: t for t in (TrainingTopic(**raw) for raw in _load("training_topics.json"))}


def _template_rows() -> list[dict[str, Any]]:
    return _load("prompt_templates.json")


@cache
def templates() -> dict[str, PromptTemplate]:
    out: dict[str, PromptTemplate] = {}
    for row in _template_rows():
        fields = {k: v for k, v in row.items() if k != "template_file"}
        text = (TEMPLATES / row["template_file"]).read_text(encoding="utf-8")
        out[row["emotional_arc_type"]] = PromptTemplate(**fields, template_text=text)
    return out


def _demo_files() -> list[Path]:
    return sorted(DEMO.glob("demo-*.json"))


# ── expert profile ──────────────────────────────────────────────────────────────────────────────────


def test_expert_profile_is_one_valid_object() -> None:
    raw = _load("expert_profile.json")
    assert isinstance(raw, dict), "expert_profile.json holds exactly one profile object"
    profile = expert()
    assert profile.vertical == "financial_planning_consultant"
    assert len(profile.principles) == 5
    assert len(profile.techniques) == 5
    assert len(profile.avoid) == 5
    assert profile.tone.strip()
    assert profile.business and profile.expertise and profile.years_experience > 0
    block = profile.consultant_profile()
    assert list(block["core_philosophy"]) == [f"principle_{i}" for i in range(1, 6)]


# ── personas ────────────────────────────────────────────────────────────────────────────────────────


def test_personas_are_valid_and_include_the_seeded_keys() -> None:
    rows = _load("personas.json")
    found = personas()
    assert len(found) == len(rows), "persona keys are unique"
    assert len(found) >= 3
    assert set(found) >= REQUIRED_PERSONAS
    names = [p.name for p in found.values()]
    assert len(set(names)) == len(names)
    for persona in found.values():
        assert set(persona.demographics) >= {"age", "gender", "location", "family_status"}, persona.persona_key
        assert 3 <= len(persona.typical_questions) <= 5, persona.persona_key
        assert persona.common_concerns and persona.language_patterns, persona.persona_key
        assert persona.financial_background and persona.financial_situation, persona.persona_key
        assert persona.communication_style and persona.emotional_baseline, persona.persona_key


# ── emotional arcs ──────────────────────────────────────────────────────────────────────────────────


def test_arcs_are_the_seven_core_and_three_edge_arcs() -> None:
    rows = _load("emotional_arcs.json")
    found = arcs()
    assert len(rows) == 10 and len(found) == 10
    core = {k for k, a in found.items() if a.conversation_category == "core"}
    edge = {k for k, a in found.items() if a.conversation_category == "edge"}
    assert core == CORE_ARCS
    assert edge == EDGE_ARCS
    for arc in found.values():
        expected_tier = "edge_case" if arc.conversation_category == "edge" else "template"
        assert arc.tier == expected_tier, arc.arc_key
        assert " → " in arc.name, arc.arc_key
        assert 3 <= len(arc.key_principles) <= 5, arc.arc_key
        assert arc.characteristic_phrases and arc.response_techniques and arc.avoid_tactics, arc.arc_key
        assert arc.arc_strategy and arc.arc_strategy == arc.arc_strategy.lower() and " " not in arc.arc_strategy


def test_edge_arcs_have_the_documented_shape() -> None:
    found = arcs()
    crisis = found["crisis_to_referral"]
    assert (crisis.starting_emotion, crisis.ending_emotion) == ("despair", "referred")
    assert (crisis.starting_intensity_min, crisis.starting_intensity_max) == (0.8, 1.0)
    assert (crisis.ending_intensity_min, crisis.ending_intensity_max) == (0.3, 0.5)
    assert (crisis.typical_turn_count_min, crisis.typical_turn_count_max) == (4, 6)
    assert crisis.complexity_baseline == 10
    hostility = found["hostility_to_boundary"]
    assert (hostility.starting_emotion, hostility.ending_emotion) == ("anger", "acceptance")
    assert (hostility.starting_intensity_min, hostility.starting_intensity_max) == (0.7, 1.0)
    assert (hostility.ending_intensity_min, hostility.ending_intensity_max) == (0.3, 0.6)
    assert (hostility.typical_turn_count_min, hostility.typical_turn_count_max) == (4, 8)
    assert hostility.complexity_baseline == 9
    triage = found["overwhelm_to_triage"]
    assert (triage.starting_emotion, triage.ending_emotion) == ("panic", "focused")
    assert (triage.typical_turn_count_min, triage.typical_turn_count_max) == (5, 8)


def test_arc_and_topic_suitability_lists_reference_real_keys() -> None:
    persona_keys, arc_keys, topic_keys = set(personas()), set(arcs()), set(topics())
    for arc in arcs().values():
        assert set(arc.suitable_personas) <= persona_keys, arc.arc_key
        assert set(arc.suitable_topics) <= topic_keys, arc.arc_key
    for topic in topics().values():
        assert set(topic.suitable_personas) <= persona_keys, topic.topic_key
        assert set(topic.suitable_emotional_arcs) <= arc_keys, topic.topic_key
    restricted = [a for a in arcs().values() if a.suitable_personas or a.suitable_topics]
    assert len(restricted) >= 2, "compatibility scoring needs some arcs with non-empty suitability lists"


# ── training topics ─────────────────────────────────────────────────────────────────────────────────


def test_topics_are_valid_and_varied() -> None:
    rows = _load("training_topics.json")
    found = topics()
    assert len(found) == len(rows), "topic keys are unique"
    assert len(found) >= 12
    assert {t.complexity_level for t in found.values()} == {"beginner", "intermediate", "advanced"}
    assert any(t.requires_specialist for t in found.values())
    assert any(t.suitable_personas or t.suitable_emotional_arcs for t in found.values())
    for topic in found.values():
        assert topic.description and topic.category, topic.topic_key
        assert 2 <= len(topic.typical_question_examples) <= 4, topic.topic_key
        assert 3 <= len(topic.key_concepts) <= 5, topic.topic_key


# ── prompt templates ────────────────────────────────────────────────────────────────────────────────


def test_one_template_per_arc_with_matching_tier_and_name() -> None:
    rows = _template_rows()
    assert all("template_text" not in row for row in rows), "template text lives in templates/, not the JSON"
    found = templates()
    assert len(rows) == len(found) == len(arcs())
    assert set(found) == set(arcs())
    names = [t.template_name for t in found.values()]
    assert len(set(names)) == len(names)
    for arc_key, template in found.items():
        arc = arcs()[arc_key]
        row = next(r for r in rows if r["emotional_arc_type"] == arc_key)
        assert row["template_file"] == f"generation/{arc_key}.md.j2"
        assert template.tier == arc.tier
        assert template.template_name.startswith(f"Template - {arc.name} - ")
        assert template.quality_threshold == 4.5
        assert template.category and template.description and template.structure


def _undeclared(template: PromptTemplate) -> set[str]:
    return meta.find_undeclared_variables(jinja2.Environment().parse(template.template_text))


def test_templates_use_only_and_all_allowed_variables() -> None:
    used: set[str] = set()
    for arc_key, template in templates().items():
        variables = _undeclared(template)
        unknown = variables - ALLOWED_VARIABLES
        assert not unknown, f"{arc_key} template uses unknown variables {sorted(unknown)}"
        assert len(variables) >= len(ALLOWED_VARIABLES) * 0.6, f"{arc_key} template uses too few variables"
        used |= variables
    assert used == ALLOWED_VARIABLES, f"never used: {sorted(ALLOWED_VARIABLES - used)}"


def test_templates_render_through_the_generation_service_with_the_default_scaffolding() -> None:
    from core.generation.prompts import check_template, render_user_prompt
    from core.generation.variables import TEMPLATE_VARIABLES, build_variables

    assert ALLOWED_VARIABLES <= TEMPLATE_VARIABLES
    persona_list, topic_list = list(personas().values()), list(topics().values())
    for i, (arc_key, template) in enumerate(templates().items()):
        check_template(template)
        arc = arcs()[arc_key]
        persona, topic = persona_list[i % len(persona_list)], topic_list[i % len(topic_list)]
        text = render_user_prompt(template, build_variables(expert(), persona, arc, topic, tier=arc.tier))
        assert "{{" not in text and "{%" not in text, arc_key
        assert expert().name in text and arc.name in text and persona.name in text, arc_key
        for field in ("conversation_metadata", "turns", "emotional_context", "intensity"):
            assert field in text, f"{arc_key} prompt does not mention {field}"


def test_templates_do_not_hard_code_the_expert() -> None:
    profile = expert()
    for arc_key, template in templates().items():
        assert profile.name not in template.template_text, arc_key
        assert profile.business not in template.template_text, arc_key


# ── demo dataset ────────────────────────────────────────────────────────────────────────────────────


def _demo(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", _demo_files(), ids=lambda p: p.stem)
def test_demo_conversation_is_a_valid_raw_conversation(path: Path) -> None:
    doc = _demo(path)
    assert set(doc) == {"conversation_metadata", "turns", "input_parameters"}
    raw = RawConversation.model_validate({k: v for k, v in doc.items() if k != "input_parameters"})
    params = InputParameters.model_validate(doc["input_parameters"])

    persona = personas()[params.persona_key]
    arc = arcs()[params.emotional_arc_key]
    assert params.training_topic_key in topics()
    assert doc["input_parameters"]["tier"] == arc.tier

    metadata = raw.conversation_metadata
    assert metadata.client_persona == f"{persona.name} - {persona.archetype}"
    assert metadata.expected_outcome
    assert metadata.conversation_phase == metadata.conversation_phase.lower()
    assert " " not in metadata.conversation_phase

    turns = raw.turns
    assert 6 <= len(turns) <= 10
    assert [t.turn_number for t in turns] == list(range(1, len(turns) + 1))
    assert [t.role for t in turns] == ["user", "assistant"] * (len(turns) // 2) + ["user"] * (len(turns) % 2)
    for turn in turns:
        assert 0.0 <= turn.emotional_context.intensity <= 1.0
        assert turn.emotional_context.secondary_emotion
        assert len(turn.content.split()) >= 15, f"turn {turn.turn_number} is too thin"

    user = [t.emotional_context.intensity for t in turns if t.role == "user"]
    eps = 1e-9
    assert arc.starting_intensity_min - eps <= user[0] <= arc.starting_intensity_max + eps
    assert arc.ending_intensity_min - eps <= user[-1] <= arc.ending_intensity_max + eps
    start_mid = (arc.starting_intensity_min + arc.starting_intensity_max) / 2
    end_mid = (arc.ending_intensity_min + arc.ending_intensity_max) / 2
    if not math.isclose(start_mid, end_mid):
        assert abs(user[-1] - end_mid) < abs(user[0] - end_mid), "the client moves toward the arc's end"


def test_demo_dataset_covers_the_default_scaffolding() -> None:
    files = _demo_files()
    assert len(files) >= 12
    assert all(p.name[5:7].isdigit() for p in files)
    assert [int(p.name[5:7]) for p in files] == list(range(1, len(files) + 1))
    params = [_demo(p)["input_parameters"] for p in files]
    persona_keys = {p["persona_key"] for p in params}
    arc_keys = Counter(p["emotional_arc_key"] for p in params)
    topic_keys = {p["training_topic_key"] for p in params}
    assert persona_keys == set(personas()), "every default persona appears in the demo"
    assert len(arc_keys) >= 8
    assert len(set(arc_keys) & EDGE_ARCS) >= 2
    assert len(topic_keys) >= 10
