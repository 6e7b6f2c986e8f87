"""The spec splitter page: renders, splits pasted text into tabs, and reports bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "spec_splitter.py"
SPEC = (ROOT / "tests" / "unit" / "spec" / "fixtures" / "integrated_spec.md").read_text("utf-8")


@pytest.fixture
def page() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=30)
    app.run()
    return app


def _split(page: AppTest, text: str, product: str = "pipeline") -> AppTest:
    page.text_area(key="spec_paste").input(text)
    page.text_input(key="spec_product").input(product)
    return page.button(key="spec_split").click().run()


def test_page_renders_without_exception(page: AppTest) -> None:
    assert not page.exception
    assert page.title[0].value == "Spec splitter"


def test_pasted_spec_splits_into_one_tab_per_section(page: AppTest) -> None:
    _split(page, SPEC)

    assert not page.exception
    assert [tab.label for tab in page.tabs] == [
        "E01 Foundation & Authentication",
        "E02 Dataset Management",
        "E03 Training Configuration",
        "E04 Training Execution & Monitoring",
        "E05 Complete System Integration",
    ]
    assert page.metric[0].label == "Features"
    assert not page.error


def test_numbering_problems_are_shown_as_warnings(page: AppTest) -> None:
    _split(page, "## SECTION 2: B\nx\n## SECTION 1: A\ny\n")

    assert "out of order" in page.warning[0].value


def test_text_without_sections_shows_the_expected_pattern(page: AppTest) -> None:
    _split(page, "# No sections here\n")

    assert not page.exception
    assert "## SECTION N: Title" in page.error[0].value
    assert not page.tabs


def test_write_to_folder_writes_the_bundle_inside_the_data_folder(page: AppTest, tmp_path: Path) -> None:
    _split(page, SPEC)

    page.text_input(key="spec_out_dir").input("my-product").run()
    page.button(key="spec_write").click().run()

    out = tmp_path / "data" / "spec-builds" / "my-product"
    assert (out / "INDEX.md").is_file()
    assert (out / "meta-prompts" / "04f-pipeline-build-section-E05-meta-prompts.md").is_file()
    assert str(tmp_path) not in " ".join(s.value for s in page.success)


@pytest.mark.parametrize("outside", ["/tmp/elsewhere", "../../escape", ".."])
def test_write_to_folder_outside_the_data_folder_is_refused(page: AppTest, tmp_path: Path, outside: str) -> None:
    _split(page, SPEC)

    page.text_input(key="spec_out_dir").input(outside).run()
    page.button(key="spec_write").click().run()

    assert not page.exception and "inside the data folder" in page.error[0].value
    assert not Path("/tmp/elsewhere").exists() and not (tmp_path / "escape").exists()


def test_merge_prompt_without_inputs_lists_what_is_missing(page: AppTest) -> None:
    page.button(key="merge_build").click().run()

    assert not page.exception
    assert "Structured spec" in page.error[0].value


def test_merge_prompt_from_paths_is_shown(page: AppTest) -> None:
    for key in ("structured_spec", "infrastructure", "extension_strategy", "implementation_guide"):
        page.text_input(key=f"merge_path_{key}").input(f"{key}.md")
    page.text_input(key="merge_output_path").input("out.md")
    page.button(key="merge_build").click().run()

    assert not page.error
    assert "# Integration Merge Prompt" in page.code[0].value


def test_unclosed_fence_is_a_warning_and_a_lost_section_an_error(page: AppTest) -> None:
    _split(page, "## SECTION 1: A\n```ts\nx\n## SECTION 2: B\n```ts\ny\n```\n````\n## SECTION 3: C\n````\n")

    assert [tab.label for tab in page.tabs] == ["E01 A", "E02 B"]
    assert "opened on line 2 is never closed properly" in page.warning[0].value
    assert "Section 3 was not written" in page.error[0].value
