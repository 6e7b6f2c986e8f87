"""The Scaffolding page for people: blank "New" forms, names instead of keys, plain errors."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.batch.service import BatchRequest
from core.bootstrap import Services

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _open() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run().switch_page("pages/scaffolding.py").run()


def _submit(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


def test_every_new_form_starts_blank(svc: Services) -> None:
    at = _open()
    assert not at.exception, [e.value for e in at.exception]
    texts = [*(t.value for t in at.text_input), *(t.value for t in at.text_area)]
    assert not any("PydanticUndefined" in str(v) for v in texts)
    new_forms = [t for t in at.text_input if t.label == "Name" and "_new_" in str(t.key)]
    assert len(new_forms) == 4 and all(t.value == "" for t in new_forms)  # the Expert tab opens on the profile
    at = at.selectbox(key="pick_experts").set_value("").run()
    expert = next(t for t in at.text_input if t.key == "form_experts_new_0_name")
    assert expert.value == "" and not at.exception


def test_the_picker_speaks_in_names_with_a_correct_article(svc: Services) -> None:
    at = _open()
    labels = [s.label for s in at.selectbox]
    assert "Choose an expert to edit, or add a new one" in labels
    shown = at.selectbox(key="pick_personas").options
    assert shown[0] == "Add a new client" and "Evelyn Park" in shown and "recently_widowed" not in shown


def test_an_empty_new_persona_is_refused_in_plain_words_and_nothing_is_saved(svc: Services) -> None:
    before = len(svc.scaffolding.list("personas"))
    at = _submit(_open(), "Add client")
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "Name: this is empty" in errors and "Key" not in errors
    assert len(svc.scaffolding.list("personas")) == before


def test_a_new_arc_takes_clients_by_name_and_gets_a_key_from_its_name(svc: Services) -> None:
    at = _open()
    form = "form_arcs_new_0"
    at.text_input(key=f"{form}_name").set_value("Fear to calm")
    at.text_input(key=f"{form}_starting_emotion").set_value("fear")
    at.text_input(key=f"{form}_ending_emotion").set_value("calm")
    clients = at.multiselect(key=f"{form}_suitable_personas")
    assert "Rachel Abernathy" in clients.options and "anxious_planner" not in clients.options
    clients.set_value(["anxious_planner"])
    at = _submit(at, "Add emotional journey")
    assert not at.exception, [e.value for e in at.exception]
    arc = svc.scaffolding.get("arcs", "fear_to_calm")
    assert arc.suitable_personas == ["anxious_planner"] and arc.name == "Fear to calm"
    assert any("Saved emotional journey “Fear to calm”" in s.value for s in at.success)


def test_delete_then_undo_from_the_page(svc: Services) -> None:
    at = _open()
    at.selectbox(key="pick_personas").set_value(svc.scaffolding.get("personas", "recently_widowed").id).run()
    at = at.button(key="delete_personas").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Evelyn Park" not in at.selectbox(key="pick_personas").options
    assert any("Deleted client “Evelyn Park”" in i.value for i in at.info)
    at = at.button(key="scaffolding_undo_button").click().run()
    assert not at.exception and "Evelyn Park" in at.selectbox(key="pick_personas").options
    assert svc.scaffolding.get("personas", "recently_widowed").deleted_at is None


def test_deleting_a_record_a_running_job_uses_is_refused_on_the_page(svc: Services) -> None:
    svc.batch.create(BatchRequest(personas=["recently_widowed"], arcs=["grief_to_healing"], topics="all"))
    at = _open()
    at.selectbox(key="pick_personas").set_value(svc.scaffolding.get("personas", "recently_widowed").id).run()
    at = at.button(key="delete_personas").click().run()
    assert not at.exception and "not finished" in " ".join(e.value for e in at.error)
    assert svc.scaffolding.get("personas", "recently_widowed").deleted_at is None
