"""In a real browser: Try a model on a tiny local model shows the base and the tuned answer side by side (and
the reference answer of the held-out conversation); the blind A/B queue records picks made with the keyboard.

The app serves its own data folder, seeded with a tiny Llama built offline, a LoRA adapter of nonzero weights,
a trained model on record and one scorecard judged by the fake Messages API (it fills the A/B queue)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("peft")

from playwright.sync_api import expect

from core.bootstrap import build_services
from core.evaluation.responder import GenerationSettings
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from tests.e2e.conftest import serve_app
from tests.e2e.helpers import assert_no_exception, metric, open_page, screenshot, title, wait_until_idle
from tests.fakes.fixtures import FAKE_KEY
from tests.support.tiny_models import build_tiny_model
from tests.support.trained_models import make_adapter, register_model


def press(page: Any, key: str) -> None:
    """A key press with no widget focused, as a reviewer's shortcut is."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press(key)
    page.wait_for_timeout(300)
    wait_until_idle(page)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, fake_claude_url: str) -> Iterator[tuple[str, str, Path]]:
    data = tmp_path_factory.mktemp("e2e-try-data")
    base = build_tiny_model("llama", tmp_path_factory.mktemp("tiny") / "base")
    adapter = make_adapter(base, tmp_path_factory.mktemp("adapter") / "a1")
    settings = Settings(data_dir=data, anthropic_api_key=FAKE_KEY, anthropic_base_url=fake_claude_url, max_retries=1)
    services = build_services(settings)
    install_defaults(services.scaffolding)
    model = register_model(services, base, adapter, name="Maya's voice, first try")
    services.evaluation.evaluate(model.id, generation=GenerationSettings(max_new_tokens=12))
    services.close()
    secrets = tmp_path_factory.mktemp("e2e-try-secrets") / "secrets.toml"
    with serve_app(data, fake_claude_url, secrets) as url:
        yield url, model.id, data


def test_try_it_shows_both_answers_side_by_side(page: Any, seeded: tuple[str, str, Path]) -> None:
    url, model_id, _ = seeded
    open_page(page, url, f"try_model?model={model_id}")
    assert title(page) == "Try a model"
    page.get_by_role("button", name="Ask both models").click()
    wait_until_idle(page)
    base = page.locator(".st-key-try_base_card")
    tuned = page.locator(".st-key-try_tuned_card")
    reference = page.locator(".st-key-try_reference_card")
    expect(base).not_to_contain_text("Not asked yet", timeout=180_000)  # the first answer loads the base model
    expect(tuned).not_to_contain_text("Not asked yet")
    wait_until_idle(page)
    expect(reference).to_contain_text("Many people feel that way")
    assert "no words" not in base.inner_text() + tuned.inner_text()  # the tiny model says something
    boxes = [card.bounding_box() for card in (base, tuned, reference)]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]  # side by side, not stacked
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 5
    assert_no_exception(page)
    screenshot(page, "try-a-model-side-by-side")
    page.get_by_role("tab", name="Scorecard").click()
    wait_until_idle(page)
    expect(page.get_by_text("Biggest wins")).to_be_visible()
    screenshot(page, "try-a-model-scorecard")
    open_page(page, url, "models")
    expect(page.get_by_text("held-out turns by the judge")).to_be_visible()
    assert_no_exception(page)
    screenshot(page, "models-with-scores")


def test_the_blind_ab_queue_records_picks_from_the_keyboard(page: Any, seeded: tuple[str, str, Path]) -> None:
    url, model_id, _ = seeded
    open_page(page, url, f"compare?model={model_id}")
    page.get_by_label("Your name").fill("Ana")
    page.get_by_role("button", name="Continue").click()
    wait_until_idle(page)
    before = int(metric(page, "Left for you"))
    assert before >= 2
    screenshot(page, "blind-ab-queue")
    press(page, "1")
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Left for you")).to_contain_text(str(before - 1))
    press(page, "t")
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Left for you")).to_contain_text(str(before - 2))
    assert metric(page, "Win rate (reviewers)") != "–"
    assert_no_exception(page)
    screenshot(page, "blind-ab-after-two-picks")
    services = build_services(Settings(data_dir=seeded[2]))
    picks = services.db.preference_picks.list(where={"model_id": model_id})
    services.close()
    assert [(p.pick, p.reviewer) for p in picks] == [("first", "Ana"), ("tie", "Ana")]
