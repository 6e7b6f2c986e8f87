"""Custom client fields on the Scaffolding page, in a new project: added in plain words on the Clients tab, the
field is on the client form (and nothing else is), its value is kept, and its placeholder is in the prompt
editor's list, where a click adds it to the prompt text."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.scaffolding.defaults import install_defaults, install_starter

APP = str(Path(__file__).resolve().parents[2] / "app.py")
FORM = "form_personas_new_0"


def _open(slug: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["project_switched_to"] = slug
    return at.run().switch_page("pages/scaffolding.py").run()


def _custom_boxes(at: AppTest) -> list[str]:
    return [t.label for t in at.text_input if str(t.key).startswith(f"{FORM}_demographics_")]


def test_a_field_added_on_the_clients_tab_is_on_the_client_form_and_in_the_placeholders(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coaching").slug)
    install_starter(coach.scaffolding)
    at = _open(coach.project.slug)
    assert not at.exception, [e.value for e in at.exception]
    assert _custom_boxes(at) == []
    assert any("Custom fields: none yet" in c.value for c in at.caption)
    pills = [p for p in at.pills if p.label == "Client"]
    assert pills and "{{ client_career_stage }}" not in pills[0].options

    next(t for t in at.text_input if t.label == "New field").set_value("Career stage")
    at = next(b for b in at.button if b.label == "Add field").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [f.label for f in coach.client_fields.list()] == ["Career stage"]
    assert _custom_boxes(at) == ["Career stage"]
    assert any("Added the field “Career stage”" in s.value for s in at.success)

    at.text_input(key=f"{FORM}_name").set_value("Priya Nair")
    at.text_input(key=f"{FORM}_archetype").set_value("The mid-career switcher")
    at.text_input(key=f"{FORM}_demographics_career_stage").set_value("mid-career")
    at = next(b for b in at.button if b.label == "Add client").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert coach.scaffolding.get("personas", "priya_nair").demographics == {"career_stage": "mid-career"}

    client = next(p for p in at.pills if p.label == "Client")
    assert "{{ client_career_stage }}" in client.options
    at = client.set_value("client_career_stage").run()
    text = next(t for t in at.text_area if str(t.key).startswith("prompt_text_"))
    assert text.value == "{{ client_career_stage }}"
    assert not at.exception, [e.value for e in at.exception]


def test_old_clients_show_their_declared_fields_and_saving_keeps_what_no_field_shows(services: Services) -> None:
    """The earlier system's clients (as the demo's defaults hold them) declare their custom fields; the form
    shows the income range among them, and saving keeps the exact age, which no custom field shows."""
    install_defaults(services.scaffolding)
    assert {"income_range", "gender", "location", "family_status"} <= {f.name for f in services.client_fields.list()}
    persona = services.scaffolding.get("personas", "overwhelmed_avoider")
    at = _open("default")
    at = at.selectbox(key="pick_personas").set_value(persona.id).run()
    form = f"form_personas_{persona.id}_0"
    income = at.text_input(key=f"{form}_demographics_income_range")
    assert (income.label, income.value) == ("Income range", "$62,000-$75,000")
    income.set_value("$70,000")
    at = next(b for b in at.button if b.label == "Save" and b.proto.form_id == form).click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = services.scaffolding.get("personas", "overwhelmed_avoider").demographics
    assert saved["income_range"] == "$70,000" and saved["age"] == "33"


def test_a_field_is_renamed_and_removed_on_the_page_and_the_client_form_follows(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coaching").slug)
    coach.client_fields.add("Career stage")
    coach.scaffolding.save("personas", {"name": "Priya", "archetype": "x", "demographics": {"career_stage": "mid"}})
    at = _open(coach.project.slug)
    next(t for t in at.text_input if t.label == "Field name").set_value("Stage of career")
    at = next(b for b in at.button if b.label == "Save field").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _custom_boxes(at) == ["Stage of career"]
    assert coach.scaffolding.get("personas", "priya").demographics == {"stage_of_career": "mid"}
    remove = next(b for b in at.button if b.label == "Remove “Stage of career”")
    assert remove.disabled  # one client wrote in it: the page asks first
    at = at.checkbox(key="client_field_sure_stage_of_career").check().run()
    at = next(b for b in at.button if b.label == "Remove “Stage of career”").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert coach.client_fields.list() == [] and _custom_boxes(at) == []
    assert coach.scaffolding.get("personas", "priya").demographics == {}
