"""Export page: validated downloads, training files, and planning a batch from coverage gaps."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.scaffolding.defaults import install_defaults
from tests.support.paths import REFERENCE_DIR

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "export.py")
REFERENCE = REFERENCE_DIR / "training-file-brightrun-lora-v4.json"


def _loaded(services: Services) -> AppTest:
    install_defaults(services.scaffolding)
    services.importer.import_path(REFERENCE)
    return AppTest.from_file(PAGE, default_timeout=60).run()


def test_without_enriched_conversations_the_page_says_where_to_go() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    # Not asserting "no exception": the shared empty_state's page_link cannot resolve under AppTest (all pages).
    assert "completed enrichment" in at.info[0].value


def test_export_shows_the_validation_report_before_offering_the_file(services: Services) -> None:
    at = _loaded(services)
    at.selectbox(key="export_format").set_value("sharegpt")
    at.button(key="export_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Validation passed" in s.value for s in at.success)
    assert at.get("download_button")[-1].proto.label == "Download sharegpt.jsonl"


def test_creating_a_training_file_from_the_page_stores_it(services: Services) -> None:
    at = _loaded(services)
    at.text_input(key="export_tf_name").input("From the page")
    at.button(key="FormSubmitter:export_tf_create-Create").click().run()
    assert not at.exception, [e.value for e in at.exception]
    row = services.training_files.get("From the page")
    assert (row.conversation_count, row.total_training_pairs) == (3, 15)


def test_planning_a_batch_keeps_the_gap_triples_in_the_session(services: Services) -> None:
    at = _loaded(services)
    at.button(key="export_plan_gaps").click().run()
    planned = at.session_state["planned_batch"]
    assert planned and set(planned[0]) == {"persona_key", "arc_key", "topic_key"}
    assert all(g["persona_key"] != "(none)" for g in planned)
