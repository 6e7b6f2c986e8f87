"""Train with the local backend on a tiny model in a real Chromium: estimate → Start → Ready → the Models page
→ the adapter downloads as a zip. Screenshots of the Train, job and Models pages are saved to look at."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core.bootstrap import build_services
from core.settings import Settings
from tests.e2e.conftest import serve_app
from tests.e2e.helpers import assert_no_exception, choose, download, open_page, screenshot, wait_until_idle
from tests.support.training_data import make_training_file
from tests.support.training_fixtures import TinyModels


@pytest.fixture(scope="module")
def training_app(
    tmp_path_factory: pytest.TempPathFactory, fake_claude_url: str, tiny_models: TinyModels
) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("e2e-train-data")
    svc = build_services(Settings(data_dir=data))
    make_training_file(svc, tmp_path_factory.mktemp("e2e-train-in"), "Planner answers")
    svc.close()
    base = tiny_models.path("llama")
    with serve_app(data, fake_claude_url, tmp_path_factory.mktemp("e2e-train-secrets") / "s.toml") as url:
        yield url, base


@pytest.mark.timeout(900)
def test_train_locally_to_ready_and_download_the_adapter(page: Any, training_app: tuple[str, Path]) -> None:
    url, base = training_app
    open_page(page, url, "train")
    assert_no_exception(page)
    choose(page, "3. Base model", "Your own…")
    page.get_by_label("Your base model", exact=True).and_(page.get_by_role("textbox")).fill(str(base))
    page.get_by_label("Your base model", exact=True).and_(page.get_by_role("textbox")).press("Enter")
    wait_until_idle(page)
    page.get_by_role("radio", name="Quick try").check(force=True)
    wait_until_idle(page)
    page.get_by_text("Advanced: change the preset's numbers").click()
    for label, value in (("Stop after steps", "2"), ("Batch size", "2")):
        box = page.get_by_role("spinbutton", name=label, exact=True)
        box.fill(value)
        box.press("Enter")
        wait_until_idle(page)
    page.get_by_role("button", name="Check and estimate").click()
    wait_until_idle(page)
    expect(page.get_by_text("counted with the base model's tokenizer")).to_be_visible(timeout=240_000)
    screenshot(page, "train-1-estimate")
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_text("Ready: the trained adapter is on the Models page.")).to_be_visible(timeout=400_000)
    wait_until_idle(page)
    assert_no_exception(page)
    expect(page.get_by_text("Training step 2 of 2")).to_be_visible()
    page.get_by_role("heading", name="Train a model").scroll_into_view_if_needed()
    screenshot(page, "train-2-job-ready")

    open_page(page, url, "models")
    assert_no_exception(page)
    expect(page.get_by_text("tiny-llama (a model folder on the computer that trained it)")).to_be_visible()
    screenshot(page, "train-3-models")
    wait_until_idle(page)
    archive = zipfile.ZipFile(io.BytesIO(download(page, "Download as a zip")))
    assert {"adapter_config.json", "adapter_model.safetensors"} <= set(archive.namelist())
    assert json.loads(archive.read("adapter_config.json"))["base_model_name_or_path"] == str(base)
