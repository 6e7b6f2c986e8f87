"""Try a model on the demo: its base model is not on this machine, and the page says so in plain words."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.demo import fill_demo

ROOT = Path(__file__).resolve().parents[2]


def test_a_base_model_not_here_is_a_plain_message_and_the_demo_scorecard_shows(services: Services) -> None:
    fill_demo(services)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at = at.switch_page("pages/try_model.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.radio[0].set_value("A message of your own").run()
    at.chat_input[0].set_value("I am scared I started saving too late.").run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(str(e.value) for e in at.error)
    assert "not available on this machine" in errors
    assert "Traceback" not in errors and "/" not in errors.split("machine")[0][-60:]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Win rate (judge)"] == "83%"  # the demo's example scorecard: 2 wins, 1 tie
    assert metrics["Win rate (reviewers)"] == "83%"
