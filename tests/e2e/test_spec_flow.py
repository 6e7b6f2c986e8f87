"""The spec splitter's guided flow in a real Chromium: a new spec project walked through the five steps
of the stepper, with the fake Claude writing the integrated spec and the execution prompts."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_exception, download, metric, open_page, screenshot, wait_until_idle, widget
from tests.support.paths import REPO_ROOT

INPUTS = REPO_ROOT / "tests" / "fixtures" / "spec_pipeline"
FILES = {
    "Structured spec": "04c-tiny-structured-from-wireframe_v1.md",
    "Infrastructure inventory": "04d-tiny-infrastructure-inventory_v1.md",
    "Extension strategy": "04d-tiny-extension-strategy_v1.md",
    "Implementation guide": "04d-tiny-implementation-guide_v1.md",
}


def click(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_until_idle(page)


def go_to_step(page: Any, label: str) -> None:
    page.locator('[data-testid="stButtonGroup"]').get_by_text(label, exact=True).click()
    wait_until_idle(page)


def badges(page: Any) -> list[str]:
    return [
        t.strip()
        for t in page.locator('[data-testid="stMarkdownContainer"] [data-testid="stMarkdownBadge"]').all_inner_texts()
    ]


def test_walk_the_stepper_from_merge_inputs_to_execution_prompts(page: Any, app_url: str) -> None:
    open_page(page, app_url, "spec_splitter")
    page.get_by_test_id("stPopoverButton").click()
    page.get_by_role("textbox", name="Project name").fill("Tiny planner")
    page.get_by_role("textbox", name="Product abbreviation").fill("tiny")
    click(page, "Create")
    page.keyboard.press("Escape")  # close the "New spec project" pop-over
    for label, name in FILES.items():
        widget(page, "stFileUploader", label).locator("input[type=file]").set_input_files(str(INPUTS / name))
        page.get_by_text(name).first.wait_for()
        wait_until_idle(page)
    expect(page.get_by_text("Saved", exact=True)).to_have_count(4)
    assert_no_exception(page)
    screenshot(page, "spec-step-1-merge-inputs")

    go_to_step(page, "2. Integrated spec (Claude)")
    assert metric(page, "Estimated cost").startswith("$")
    click(page, "Write the integrated spec with Claude")
    page.get_by_text("Preview: the integrated spec").wait_for()
    assert metric(page, "Actual cost").startswith("$")
    assert_no_exception(page)
    screenshot(page, "spec-step-2-integrated-spec")

    go_to_step(page, "3. Sections and INDEX")
    click(page, "Split into sections")
    page.get_by_text("Preview: INDEX.md").wait_for()
    expect(page.locator('[data-testid="stTable"]').get_by_text("Reports", exact=True)).to_have_count(1)
    assert_no_exception(page)
    screenshot(page, "spec-step-3-sections")

    go_to_step(page, "4. Meta-prompts")
    click(page, "Write the meta-prompts")
    page.get_by_text("Preview: the meta-prompt of E01").wait_for()
    assert_no_exception(page)
    screenshot(page, "spec-step-4-meta-prompts")

    go_to_step(page, "5. Execution prompts (Claude)")
    click(page, "Write the execution prompts with Claude")
    page.get_by_text("Preview: the execution prompts of E01").wait_for(timeout=60_000)
    expect(page.get_by_text("Done", exact=True)).to_have_count(5)  # every step of the stepper
    assert_no_exception(page)
    screenshot(page, "spec-step-5-execution-prompts")

    names = zipfile.ZipFile(io.BytesIO(download(page, "Download everything (zip)"))).namelist()
    assert {f"04f-tiny-build-section-E0{n}-execution-prompts.md" for n in (1, 2, 3)} <= set(names)
    assert "INDEX.md" in names and "04e-tiny-integrated-extension-spec_v1.md" in names
