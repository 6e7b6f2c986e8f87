"""Section files, INDEX.md and meta-prompts: golden files, round trips, templates, zip and folder output."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import pytest

from core.errors import SpecError
from core.spec import SpecBundle, build_bundle, build_meta_prompts, read_zip, split_spec, write_files, zip_bytes
from core.spec.section_files import parse_section_file, render_section_file

META_E03 = "meta-prompts/04f-pipeline-build-section-E03-meta-prompts.md"
SOURCE_NAME = "04e-pipeline-integrated-extension-spec_v1.md"


def _bundle(text: str, generated: date, **kwargs: str) -> SpecBundle:
    return build_bundle(text, "pipeline", SOURCE_NAME, generated, **kwargs)


def test_bundle_matches_golden_files(
    spec_text: str, generated: date, golden_dir: Callable[[str, Mapping[str, str]], None]
) -> None:
    golden_dir("pipeline", _bundle(spec_text, generated).files)


def test_bundle_lists_index_then_sections_then_meta_prompts(spec_text: str, generated: date) -> None:
    names = list(_bundle(spec_text, generated).files)

    assert names[0] == "INDEX.md"
    assert names[1:6] == [f"04f-pipeline-build-section-E0{n}.md" for n in range(1, 6)]
    assert names[6:] == [f"meta-prompts/04f-pipeline-build-section-E0{n}-meta-prompts.md" for n in range(1, 6)]


def test_crlf_bom_variant_gives_the_same_files(spec_text: str, generated: date) -> None:
    crlf = "\ufeff" + spec_text.replace("\n", "\r\n")

    assert _bundle(crlf, generated).files == _bundle(spec_text, generated).files


def test_repeated_section_number_keeps_both_sections_and_builds_in_number_order(generated: date) -> None:
    text = "## SECTION 2: B\nx\n## SECTION 1: A\ny\n## SECTION 2: B again\nz\n"

    files = _bundle(text, generated).files

    assert "04f-pipeline-build-section-E02-2.md" in files
    assert "meta-prompts/04f-pipeline-build-section-E02-2-meta-prompts.md" in files
    assert "Build the sections in order, E01 → E02 → E02-2," in files["INDEX.md"]


def test_section_file_reads_back_to_the_same_section(spec_text: str, generated: date) -> None:
    section = split_spec(spec_text).sections[1]
    name = section.file_name("pipeline")

    parsed = parse_section_file(name, render_section_file(section, "pipeline", SOURCE_NAME, generated))

    assert (parsed.number, parsed.title, parsed.text, parsed.source) == (2, section.title, section.text, SOURCE_NAME)


def test_meta_prompt_carries_earlier_sections_actual_deliverables(spec_text: str, generated: date) -> None:
    meta = _bundle(spec_text, generated).files[META_E03]

    assert "#### Section E01: Foundation & Authentication" in meta
    assert "FR-1.1: Database Schema for LoRA Training" in meta
    assert "`lora_datasets`, `lora_training_jobs`" in meta
    assert "`POST /api/datasets`" in meta
    assert "`DatasetUploader`" in meta
    assert "#### Section E04" not in meta  # later sections are not context


def test_first_meta_prompt_says_there_are_no_previous_sections(spec_text: str, generated: date) -> None:
    meta = _bundle(spec_text, generated).files["meta-prompts/04f-pipeline-build-section-E01-meta-prompts.md"]

    assert "There are no previous sections" in meta
    assert "Available from Previous Sections" not in meta


def test_base_template_text_is_inlined_in_every_meta_prompt(spec_text: str, generated: date) -> None:
    files = _bundle(spec_text, generated).files

    metas = [text for name, text in files.items() if name.startswith("meta-prompts/")]

    assert all("## Phase 2: Plan the prompts" in text for text in metas)


def test_replacement_base_template_is_rendered_and_inlined(spec_text: str, generated: date) -> None:
    base = "MY METHOD for {{ section.code }} ({{ stats.complexity }}), after {{ previous_sections | length }}"

    files = _bundle(spec_text, generated, base_template=base, base_template_name="mine.md").files

    assert "MY METHOD for E03 (LOW), after 2" in files[META_E03]
    assert "## Base Template: mine.md" in files[META_E03]
    assert "Plan the prompts" not in files[META_E03]


def test_replacement_template_with_unknown_variable_is_an_error_naming_it(spec_text: str, generated: date) -> None:
    with pytest.raises(SpecError, match="needs the value 'sektion', which is not provided"):
        _bundle(spec_text, generated, base_template="{{ sektion.title }}")


def test_replacement_template_cannot_reach_python_internals(spec_text: str, generated: date) -> None:
    with pytest.raises(SpecError, match="sandbox"):
        _bundle(spec_text, generated, base_template="{{ ''.__class__.__mro__[1].__subclasses__() }}")


def test_meta_prompts_from_folder_texts_ignore_other_files(spec_text: str, generated: date) -> None:
    files = dict(_bundle(spec_text, generated).files)
    files["04f-pipeline-build-section-E03b.md"] = "draft"

    metas = build_meta_prompts(files, generated)

    assert len(metas) == 5


def test_meta_prompts_without_section_files_explain_what_to_run(generated: date) -> None:
    with pytest.raises(SpecError) as caught:
        build_meta_prompts({"INDEX.md": "x"}, generated)

    assert "spec split" in caught.value.user_message


def test_zip_holds_exactly_the_bundle_files(spec_text: str, generated: date) -> None:
    files = _bundle(spec_text, generated).files

    assert read_zip(zip_bytes(files)) == files
    assert zip_bytes(files) == zip_bytes(files)  # deterministic bytes


def test_write_files_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    (tmp_path / "INDEX.md").write_text("mine")

    with pytest.raises(SpecError, match="already exist"):
        write_files({"INDEX.md": "new", "other.md": "x"}, tmp_path)

    assert (tmp_path / "INDEX.md").read_text() == "mine"
    assert not (tmp_path / "other.md").exists()


def test_write_files_overwrites_with_force(tmp_path: Path) -> None:
    (tmp_path / "INDEX.md").write_text("mine")

    write_files({"INDEX.md": "new", "sub/x.md": "x"}, tmp_path, force=True)

    assert (tmp_path / "INDEX.md").read_text() == "new"
    assert (tmp_path / "sub" / "x.md").read_text() == "x"


def test_unusable_product_abbreviation_is_refused(spec_text: str, generated: date) -> None:
    with pytest.raises(SpecError, match="product abbreviation"):
        build_bundle(spec_text, "../evil", SOURCE_NAME, generated)


def test_link_index_gives_what_render_index_gives_for_the_same_files(spec_text: str, generated: date) -> None:
    from core.spec.section_files import link_index, render_index

    result = split_spec(spec_text)
    existing = [
        "meta-prompts/04f-pipeline-build-section-E01-meta-prompts.md",
        "04f-pipeline-build-section-E01-execution-prompts.md",
        "04f-pipeline-build-section-E03-execution-prompts.md",
        SOURCE_NAME,  # the integrated spec itself, in the same folder
    ]
    plain = render_index(result, "pipeline", SOURCE_NAME, generated)
    linked = render_index(result, "pipeline", SOURCE_NAME, generated, existing=existing)

    assert link_index(plain, existing) == linked
    assert link_index(linked, []) == plain
    assert (
        "[04f-pipeline-build-section-E03-execution-prompts.md](04f-pipeline-build-section-E03-execution-prompts.md)"
        in linked
    )
    assert f"**Source File**: [{SOURCE_NAME}]({SOURCE_NAME})" in linked
    assert f"**Source File**: {SOURCE_NAME}\n" in plain
