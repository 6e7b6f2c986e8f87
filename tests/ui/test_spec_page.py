"""The spec splitter page: a guided flow of five steps over a saved spec project (AppTest, no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.bootstrap import build_services
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "spec_splitter.py"
SPEC = (ROOT / "tests" / "unit" / "spec" / "fixtures" / "integrated_spec.md").read_text("utf-8")
BROKEN = (ROOT / "tests" / "unit" / "spec" / "fixtures" / "broken_fences_spec.md").read_text("utf-8")


@pytest.fixture
def page() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=30)
    app.run()
    return app


def _project(page: AppTest, name: str = "Pipeline", abbrev: str = "pipeline") -> AppTest:
    page.text_input(key="spec_new_name").input(name)
    page.text_input(key="spec_new_abbrev").input(abbrev)
    return page.button(key="spec_create").click().run()


def _step(page: AppTest, step: str) -> AppTest:
    page.session_state["spec_step"] = step
    return page.run()


def _integrated(page: AppTest, text: str) -> AppTest:
    _step(page, "integrate")
    page.text_area(key="spec_integrated_paste").input(text)
    return page.button(key="spec_save_integrated").click().run()


def test_page_renders_and_asks_for_a_project(page: AppTest) -> None:
    assert not page.exception
    assert page.title[0].value == "Spec splitter"
    assert "new spec project" in page.info[0].value


def test_a_new_project_opens_on_the_stepper(page: AppTest) -> None:
    _project(page)

    assert not page.exception
    assert "1. Merge inputs" in page.markdown[0].value
    assert page.subheader[0].value == "Merge inputs"


def test_without_a_key_the_integrate_step_shows_what_is_missing(page: AppTest) -> None:
    _project(page)
    _step(page, "integrate")

    assert not page.exception
    assert "missing or empty: Structured spec" in page.warning[0].value


def test_a_pasted_integrated_spec_splits_and_is_saved(page: AppTest) -> None:
    _project(page)
    _integrated(page, SPEC)
    _step(page, "split")
    page.button(key="spec_run_split").click().run()

    assert not page.exception
    table = page.table[0].value
    assert list(table.index) == ["E01", "E02", "E03", "E04", "E05"]
    stored = build_services(Settings()).spec_projects.all_projects()[0]
    assert "04f-pipeline-build-section-E05.md" in stored.files


def test_unclosed_fence_is_a_warning_and_a_lost_section_an_error(page: AppTest) -> None:
    _project(page)
    _integrated(page, "## SECTION 1: A\n```ts\nx\n## SECTION 2: B\n```ts\ny\n```\n````\n## SECTION 3: C\n````\n")
    _step(page, "split")
    page.button(key="spec_run_split").click().run()

    assert "Section 3 was not written" in page.error[0].value
    assert "opened on line 2 is never closed properly" in page.warning[0].value


def test_meta_prompts_then_the_manual_route_for_execution_prompts(page: AppTest) -> None:
    _project(page)
    _integrated(page, BROKEN)
    _step(page, "split")
    page.button(key="spec_run_split").click().run()
    _step(page, "meta")
    page.button(key="spec_run_meta").click().run()
    _step(page, "execute")

    assert not page.exception
    assert "No Claude key is set" in page.info[0].value
    assert page.code[0].value.startswith("You write execution prompts for a coding agent")
    page.text_area(key="spec_manual_answer_E01").input("# Build Section E01: Execution Prompts\n")
    page.button(key="spec_manual_save").click().run()
    stored = build_services(Settings()).spec_projects.all_projects()[0]
    assert stored.files["04f-pipeline-build-section-E01-execution-prompts.md"].startswith("# Build Section E01")
    assert "(04f-pipeline-build-section-E01-execution-prompts.md)" in stored.files["INDEX.md"]


def _split_project(page: AppTest) -> AppTest:
    _project(page)
    _integrated(page, SPEC)
    _step(page, "split")
    return page.button(key="spec_run_split").click().run()


def test_write_to_folder_writes_the_files_inside_the_data_folder(page: AppTest, tmp_path: Path) -> None:
    _split_project(page)

    page.text_input(key="spec_out_dir").input("my-product").run()
    page.button(key="spec_write").click().run()

    out = tmp_path / "data" / "spec-builds" / "my-product"
    assert (out / "INDEX.md").is_file()
    assert (out / "04f-pipeline-build-section-E05.md").is_file()
    assert str(tmp_path) not in " ".join(s.value for s in page.success)


@pytest.mark.parametrize("outside", ["/tmp/elsewhere", "../../escape", ".."])
def test_write_to_folder_outside_the_data_folder_is_refused(page: AppTest, tmp_path: Path, outside: str) -> None:
    _split_project(page)

    page.text_input(key="spec_out_dir").input(outside).run()
    page.button(key="spec_write").click().run()

    assert not page.exception and "inside the data folder" in page.error[0].value
    assert not Path("/tmp/elsewhere").exists() and not (tmp_path / "escape").exists()


def test_without_a_key_the_integrate_step_shows_the_exact_prompt_and_its_estimate(page: AppTest) -> None:
    _project(page)
    svc = build_services(Settings()).spec_projects
    project = svc.all_projects()[0]
    for key in ("structured_spec", "infrastructure", "extension_strategy", "implementation_guide"):
        svc.set_input(project.id, key, f"{key}.md", SPEC if key == "structured_spec" else "Notes.\n")
    _step(page, "integrate")

    assert not page.exception
    assert "No Claude key is set" in page.info[0].value and "estimated cost $" in page.info[0].value
    assert page.code[0].value == svc.plan_integrate(svc.get(project.id)).prompt_text.rstrip("\n")
    assert page.metric[0].value.startswith("$")
