"""Never lose a section: a spec written by a language model with broken code fences and a table of contents.

The fixture opens a ```typescript block in section 4 that is never closed, so a fence-aware parser reads
sections 5 and 6 as code; it ends inside a block that runs to the end; it has section headings inside
properly closed blocks (examples) and `### Section N:` lines in a table of contents and an appendix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

from markdown_it import MarkdownIt

from core.spec import build_bundle, section_stats, split_spec
from tests.unit.spec.conftest import FIXTURES

SPEC = (FIXTURES / "broken_fences_spec.md").read_text(encoding="utf-8")
PLAIN_MATCH = re.compile(r"^## SECTION (\d+):", re.MULTILINE)


def test_every_section_a_plain_line_match_finds_outside_examples_is_written() -> None:
    result = split_spec(SPEC)

    assert [(s.code, s.title) for s in result.sections] == [
        ("E01", "Foundation"),
        ("E02", "Rooms & Calendars"),
        ("E03", "Booking Rules"),
        ("E04", "Payments"),
        ("E05", "Notifications"),
        ("E06", "Reporting"),
        ("E07", "Launch Checklist"),
    ]
    examples = {3, 12}  # the two headings inside properly closed ```markdown blocks, lines 46 and 56
    found = {int(n) for n in PLAIN_MATCH.findall(SPEC)}
    assert found - {s.number for s in result.sections} == examples - {3}
    assert result.errors == []


def test_fence_left_open_across_two_sections_is_reported_with_its_line() -> None:
    result = split_spec(SPEC)

    assert result.warnings[0] == (
        "The code block opened on line 91 is never closed properly; the `## SECTION 5:` line (line 103) "
        "inside it was taken as the start of section 5. Close the block before that line."
    )
    assert result.sections[3].text.endswith("Refunds go back to the card that paid the deposit.")
    assert result.sections[4].text.startswith("## SECTION 5: Notifications - INTEGRATED")


def test_fence_running_to_the_end_is_reported_and_nothing_else() -> None:
    result = split_spec(SPEC)

    assert result.warnings[1:] == ["The code block opened on line 159 is never closed; it runs to the end of the spec."]


def test_headings_inside_closed_fences_stay_code() -> None:
    result = split_spec(SPEC)

    assert "## SECTION 3: Example Heading - INTEGRATED" in result.sections[1].text
    assert "## SECTION 12: Another Example" in result.sections[1].text
    assert result.notes == [
        "`## SECTION 3:` (line 46, in the code block opened on line 45) is an example inside code, not a section.",
        "`## SECTION 12:` (line 56, in the code block opened on line 55) is an example inside code, not a section.",
    ]


def test_table_of_contents_and_appendix_lines_give_no_warning() -> None:
    warnings = " ".join(split_spec(SPEC).warnings)

    assert "look like section headings" not in warnings


def test_feature_counts_include_features_after_an_unclosed_fence() -> None:
    counts = {s.code: section_stats(s.text).feature_count for s in split_spec(SPEC).sections}

    assert counts == {"E01": 1, "E02": 2, "E03": 2, "E04": 2, "E05": 2, "E06": 2, "E07": 1}


def test_meta_prompts_carry_the_right_feature_counts(generated: date) -> None:
    files = build_bundle(SPEC, "studio", "04e-studio-integrated-extension-spec_v1.md", generated).files

    e04 = files["meta-prompts/04f-studio-build-section-E04-meta-prompts.md"]
    e05 = files["meta-prompts/04f-studio-build-section-E05-meta-prompts.md"]
    assert "| Features (`#### FR-N.M` headings) | 2 |" in e04
    assert "| Features (`#### FR-N.M` headings) | 2 |" in e05
    assert "  - FR-4.2: Refund" in e05  # E05 is told what E04 delivers


def test_index_reports_the_unclosed_fences(generated: date) -> None:
    index = build_bundle(SPEC, "studio", "spec.md", generated).files["INDEX.md"]

    assert "- The code block opened on line 91 is never closed properly" in index
    assert "- The code block opened on line 159 is never closed" in index
    assert "**Total Sections**: 7" in index


def test_header_lines_render_as_separate_lines(generated: date) -> None:
    files = build_bundle(SPEC, "studio", "spec.md", generated).files
    renderer = MarkdownIt()

    for name in (
        "INDEX.md",
        "04f-studio-build-section-E04.md",
        "meta-prompts/04f-studio-build-section-E04-meta-prompts.md",
    ):
        html = renderer.render(files[name])
        paragraphs = re.findall(r"<p>(.*?)</p>", html, re.DOTALL)
        header = [p for p in paragraphs if p.startswith("<strong>") and "</strong>:" in p][:3]
        assert len(header) == 3, name
        assert all("\n" not in p for p in header), name


def test_broken_fences_bundle_matches_golden_files(
    generated: date, golden_dir: Callable[[str, Mapping[str, str]], None]
) -> None:
    golden_dir("studio", build_bundle(SPEC, "studio", "04e-studio-integrated-extension-spec_v1.md", generated).files)
