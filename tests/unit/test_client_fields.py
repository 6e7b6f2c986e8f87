"""Clients in any field of work: general fields, custom fields, and the placeholders that follow them."""

from __future__ import annotations

import pytest

from core.bootstrap import Services
from core.errors import ValidationError
from core.generation.prompts import check_template
from core.generation.variables import placeholders
from core.models.projects import ClientField
from core.models.scaffolding import Persona, PromptTemplate
from core.scaffolding.defaults import install_starter
from core.scaffolding.fields import editable_fields, field_text

COACH_CLIENT = {
    "name": "Priya Nair",
    "archetype": "The mid-career switcher",
    "financial_situation": "Ten years in accounting, bored, one interview next week.",
    "goals": "A job she is proud of by spring.",
    "demographics": {"career stage": "mid-career"},
}


def test_an_old_files_income_range_becomes_a_custom_field() -> None:
    persona = Persona(persona_key="old", name="Old", archetype="x", income_range="$80k", demographics={"age": 40})
    assert persona.demographics == {"age": "40", "income_range": "$80k"}
    assert persona.income_range is None


def test_the_client_form_speaks_of_no_money() -> None:
    labels = {field_text(name).label for name in editable_fields(Persona)}
    assert {"Who they are", "Situation", "Background", "What they want", "How they talk", "Custom fields"} <= labels
    words = " ".join(f"{field_text(n).label} {field_text(n).help}" for n in editable_fields(Persona)).lower()
    for money in ("income", "financ", "money", "savings", "debt"):
        assert money not in words


def test_placeholders_follow_the_fields_and_the_projects_custom_fields() -> None:
    offered = placeholders([ClientField(name="career_stage", label="Career stage")])
    names = [p.name for p in offered]
    assert "client_situation" in names and "client_goals" in names and "client_career_stage" in names
    assert offered[-1].meaning == "Custom field: Career stage"
    assert not [n for n in names if n.startswith("persona_") or "financ" in n or "income" in n]


def test_a_custom_field_renders_for_the_client_that_has_it_and_reads_not_specified_otherwise(
    services: Services,
) -> None:
    install_starter(services.scaffolding)
    services.scaffolding.save("experts", {"name": "Dana Ortiz", "expertise": "Career coaching"})
    services.client_fields.add("Career stage")
    services.scaffolding.save("personas", COACH_CLIENT)
    services.scaffolding.save("personas", {"name": "Sam", "archetype": "The graduate"})
    services.scaffolding.save("topics", {"name": "Changing careers at 40"})
    arc = services.scaffolding.list("arcs")[0].arc_key
    text = "{{ client_name }} ({{ client_career_stage }}) wants: {{ client_goals }}. Topic: {{ topic_name }}."
    assert services.generation.render_draft(text, "priya_nair", arc, "changing_careers_at_40") == (
        "Priya Nair (mid-career) wants: A job she is proud of by spring.. Topic: Changing careers at 40."
    )
    assert services.generation.render_draft(text, "sam", arc, "changing_careers_at_40").startswith(
        "Sam (Not specified) wants: Not specified"
    )
    assert "client_career_stage" in [p.name for p in services.generation.placeholders()]


def test_generation_offers_and_fills_exactly_the_projects_declared_fields(services: Services) -> None:
    """Variables and placeholders come from the project's fields, not from whatever a client holds; a prompt
    using a field the project lacks is refused when saved and when generating, in plain words."""
    install_starter(services.scaffolding)
    services.scaffolding.save("experts", {"name": "Dana Ortiz"})
    services.scaffolding.save("personas", {"name": "Sam", "archetype": "The graduate"})
    services.scaffolding.save("topics", {"name": "First job"})
    arc = services.scaffolding.list("arcs")[0]
    assert not [p for p in services.generation.placeholders() if p.meaning.startswith("Custom field")]
    with pytest.raises(ValidationError) as caught:
        services.generation.render_draft("{{ client_shoe_size }}", "sam", arc.arc_key, "first_job")
    assert "{{ client_shoe_size }}" in " ".join(caught.value.problems)
    assert "Custom fields" in (caught.value.hint or "")
    template = {"template_name": "Shoes", "emotional_arc_type": arc.arc_key, "template_text": "{{ client_shoe_size }}"}
    with pytest.raises(ValidationError, match="client field this project's clients do not have"):
        services.scaffolding.save("templates", template)
    services.client_fields.add("Shoe size")
    services.scaffolding.save("templates", template)
    plan = services.generation.build_request("sam", arc.arc_key, "first_job", template_name="Shoes")
    assert plan.user_prompt == "Not specified"
    services.client_fields.remove("shoe_size")
    with pytest.raises(ValidationError, match="client field this project's clients do not have"):
        services.generation.build_request("sam", arc.arc_key, "first_job", template_name="Shoes")


def test_an_unknown_placeholder_is_refused_pointing_to_the_list_not_to_generate() -> None:
    with pytest.raises(ValidationError) as caught:
        check_template(PromptTemplate(template_name="T", emotional_arc_type="x", template_text="{{ persona_shoe }}"))
    assert "persona_shoe" in caught.value.user_message
    assert "Generate" not in (caught.value.hint or "") and "list under the prompt text" in (caught.value.hint or "")
    check_template(PromptTemplate(template_name="T", emotional_arc_type="x", template_text="{{ client_shoe_size }}"))


def test_the_starter_set_is_journeys_and_prompts_that_suit_every_client(services: Services) -> None:
    added = install_starter(services.scaffolding)
    assert added == {"arcs": 10, "templates": 10}
    assert not services.scaffolding.list("personas") and not services.scaffolding.list("topics")
    arcs = services.scaffolding.list("arcs")
    assert all(not a.suitable_personas and not a.suitable_topics for a in arcs)
    texts = " ".join(t.template_text for t in services.scaffolding.list("templates")).lower()
    assert "financial" not in texts and "persona_" not in texts
    assert install_starter(services.scaffolding) == {"arcs": 0, "templates": 0}
