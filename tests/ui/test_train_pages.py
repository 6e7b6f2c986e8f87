"""The Train and Models pages (Streamlit AppTest): the demo's training run and model, the empty states."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.demo import fill_demo

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _page(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(f"pages/{name}.py")
    return at.run()


def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def test_without_a_training_file_the_pages_say_what_to_do_first(services: Services) -> None:
    train = _page("train")
    assert not train.exception
    assert "No training file yet" in _text(train) + "".join(i.value for i in train.info)
    models = _page("models")
    assert not models.exception
    assert "No trained model yet" in _text(models) + "".join(i.value for i in models.info)


def test_the_demo_run_and_its_model_are_shown_marked_as_demo(services: Services) -> None:
    fill_demo(services)
    models = _page("models")
    assert not models.exception
    text = _text(models)
    assert "Demo training run" in text and "Demo data" in text and "Qwen 2.5, 0.5B" in text
    assert "No adapter file is stored for this model." in text
    train = _page("train")
    assert not train.exception
    assert "Demo training run" in _text(train) and "demo" in _text(train)
    train.button(key=next(b.key for b in train.button if str(b.key).startswith("open_"))).click().run()
    assert not train.exception
    job_text = _text(train)
    assert "Ready" in job_text and "Training step 12 of 12" in job_text
    assert any(m.label == "Cost so far" and m.value == "$0.00" for m in train.metric)
