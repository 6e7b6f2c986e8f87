"""Home: the six-step checklist ticked from the data, the demo button, counters that follow an import."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.checklist import checklist
from core.demo import demo_files, fill_demo
from core.importer import marker
from core.scaffolding.defaults import install_defaults

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _home() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def _subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_an_empty_app_shows_no_step_done() -> None:
    at = _home()
    assert not at.exception
    assert "Getting started · 0 of 6 done" in _subheaders(at)


def test_each_step_is_ticked_from_the_data(services: Services) -> None:
    install_defaults(services.scaffolding)
    assert [s.done for s in checklist(services)] == [True, False, False, False, False, False]
    services.importer.import_path(demo_files()[0])
    assert [s.done for s in checklist(services)] == [True, True, False, False, False, False]
    fill_demo(services)
    steps = checklist(services)
    assert all(s.done for s in steps)
    assert steps[3].detail.endswith("approved") and steps[4].detail == "1 training file"
    assert steps[5].detail == "1 trained model"


def test_the_demo_button_makes_the_demo_project_and_opens_it_leaving_the_first_one_empty(
    services: Services,
) -> None:
    at = _home()
    at.button(key="load_demo").click().run()
    assert not at.exception
    assert "Getting started · 6 of 6 done" in _subheaders(at)
    assert "Demo loaded" in at.success[0].value
    assert _metric(at, "Conversations") == str(len(demo_files()))
    assert int(_metric(at, "Approved")) >= 1
    assert "Demo: a fee-only financial planner" in at.caption[0].value
    assert services.stats().conversations == 0  # the first project holds none of it
    [demo] = [p for p in services.projects.list() if p.is_demo]
    assert "income_range" in [f.name for f in demo.client_fields] and services.client_fields.list() == []
    assert at.query_params["project"] == demo.slug


def test_the_counters_change_right_after_an_import(services: Services) -> None:
    at = _home()
    assert _metric(at, "Conversations") == "0"
    services.importer.import_path(demo_files()[0])  # what the Import button calls, then the page reruns
    at.run()
    assert _metric(at, "Conversations") == "1"


def test_home_says_when_an_import_was_stopped_midway(services: Services) -> None:
    """The marker a run killed midway leaves (issue 23) is reported on Home."""
    store = services.conversations
    marker.start(store.blobs, store.rows, None, "big.json", [f"id-{n}" for n in range(800)])
    at = _home()
    assert not at.exception
    said = "The import of big.json stopped at 0 of 800 conversations; run it again to finish."
    assert said in [w.value for w in at.warning]
