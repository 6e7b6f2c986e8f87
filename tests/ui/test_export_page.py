"""Export page: validated downloads, training files, and planning a batch from coverage gaps."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.scaffolding.defaults import install_defaults
from tests.support.paths import REFERENCE_DIR
from tests.support.reference_copies import complete_training_file

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "export.py")
REFERENCE = REFERENCE_DIR / "training-file-brightrun-lora-v4.json"


def _loaded(services: Services) -> AppTest:
    install_defaults(services.scaffolding)
    services.importer.import_path(complete_training_file(services.settings.data_dir.parent / "in"))
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


def test_after_the_demo_the_page_shows_costs_and_charts_with_names(services: Services) -> None:
    from core.demo import fill_demo

    fill_demo(services)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    spent = next(m for m in at.metric if m.label == "Spent so far")
    assert spent.value == "$0.00"  # the demo's figures are shown apart, never as spend
    demo = next(m for m in at.metric if m.label == "Demo data (not spent)")
    assert demo.value.startswith("$") and demo.value != "$0.00"
    assert any("never added to what you spent" in str(c.value) for c in at.caption)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 8  # heatmap, four histograms, two emotion charts, spend
    page_text = " ".join(str(el.value) for el in at.markdown)
    assert "Demo: planner conversations, first batch" not in page_text  # tables, not text walls
    frame = next(d.value for d in at.dataframe if "Conversation" in d.value.columns)
    assert not frame["Conversation"].str.fullmatch(r"[0-9a-f-]{36}").any()


def test_a_click_on_the_heatmap_picks_persona_and_arc() -> None:
    from pages._charts import picked_squares

    event = {"selection": {"square": [{"persona_key": "widow", "arc_key": "grief", "arc": "Grief"}]}}
    assert picked_squares(event) == [("widow", "grief")]
    assert picked_squares({"selection": {}}) == []


def test_after_creating_a_file_the_downloads_offer_that_file(services: Services) -> None:
    at = _loaded(services)
    for name in ("First set", "Second set"):
        at.text_input(key="export_tf_name").input(name)
        at.button(key="FormSubmitter:export_tf_create-Create").click().run()
        assert not at.exception, [e.value for e in at.exception]
        picker = next(box for box in at.selectbox if box.label == "Training file")
        assert picker.value == name


def test_the_dataset_insight_shows_how_alike_two_reviewers_rate(services: Services) -> None:
    at = _loaded(services)
    conversation = services.db.conversations.list(limit=1)[0].conversation_id
    for reviewer, rating in (("ana", "good"), ("ben", "good")):
        services.review.rate_turn(conversation, 2, rating, reviewer)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("How alike the reviewers rate" in m.value for m in at.markdown)
    table = next(frame.value for frame in at.dataframe if "Agreement beyond chance" in frame.value.columns)
    assert table.iloc[0]["Reviewers"] == "ana and ben"
    assert table.iloc[0]["Rated alike"] == 1
    # On the embedded backend a reviewer's name is a label anyone can type: said where agreement is shown.
    assert any("labels typed in on this computer" in str(c.value) for c in at.caption)
