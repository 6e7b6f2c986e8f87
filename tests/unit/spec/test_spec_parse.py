"""Splitting: headings, fences, preamble, line endings, and the warnings and errors for bad input."""

from __future__ import annotations

import pytest

from core.errors import SpecError
from core.spec import decode_spec, split_spec

SMALL = "Intro line\n\n## SECTION 1: One - INTEGRATED\n\nBody one.\n\n## SECTION 2: Two\n\nBody two.\n"


def test_separator_rule_before_next_section_is_not_part_of_the_section() -> None:
    sections = split_spec("## SECTION 1: A\n\ntext\n---\n\nmore\n\n---\n\n## SECTION 2: B\nx\n").sections

    assert sections[0].text == "## SECTION 1: A\n\ntext\n---\n\nmore"


def test_heading_underline_at_section_end_is_kept() -> None:
    sections = split_spec("## SECTION 1: A\n\nSummary\n---\n## SECTION 2: B\nx\n").sections

    assert sections[0].text.endswith("Summary\n---")


def test_sections_start_at_section_headings_and_drop_integrated_suffix(spec_text: str) -> None:
    result = split_spec(spec_text)

    assert [(s.number, s.title) for s in result.sections] == [
        (1, "Foundation & Authentication"),
        (2, "Dataset Management"),
        (3, "Training Configuration"),
        (4, "Training Execution & Monitoring"),
        (5, "Complete System Integration"),
    ]
    assert result.warnings == []


def test_section_runs_from_its_heading_to_the_next_heading() -> None:
    sections = split_spec(SMALL).sections

    assert sections[0].text == "## SECTION 1: One - INTEGRATED\n\nBody one."
    assert sections[1].text == "## SECTION 2: Two\n\nBody two."


def test_heading_inside_code_fence_does_not_split(spec_text: str) -> None:
    result = split_spec(spec_text)

    assert 9 not in [s.number for s in result.sections]
    assert "## SECTION 9: Fake" in result.sections[1].text


def test_heading_after_inner_shorter_fence_inside_longer_fence_does_not_split() -> None:
    text = "## SECTION 1: A\n````\n```\n## SECTION 2: Inside\n```\n````\n## SECTION 3: C\n"

    result = split_spec(text)

    assert [s.number for s in result.sections] == [1, 3]
    assert result.errors == [
        "Section 2 was not written: its `## SECTION 2:` line (line 4, in the code block opened on line 2) is "
        "inside code. If it starts a section, close the code block before it and split again."
    ]


def test_text_before_first_section_is_kept_as_preamble(spec_text: str) -> None:
    result = split_spec(spec_text)

    assert result.preamble.startswith("# LoRA Training Pipeline - Integrated Extension Specification")
    assert result.preamble.endswith("it adds datasets, training jobs, and model artifacts.")
    assert "## SECTION" not in result.preamble


def test_crlf_and_bom_input_gives_identical_sections(spec_text: str) -> None:
    data = b"\xef\xbb\xbf" + spec_text.replace("\n", "\r\n").encode("utf-8")

    assert split_spec(decode_spec(data)) == split_spec(spec_text)


def test_no_section_headings_error_names_the_expected_pattern() -> None:
    with pytest.raises(SpecError) as caught:
        split_spec("# A spec\n\n## Section 1: lower case\n\nText\n")

    assert "## SECTION N: Title" in caught.value.user_message
    assert "3" in (caught.value.hint or "")  # the near-miss line is pointed at


def test_headings_only_inside_code_blocks_count_as_no_sections() -> None:
    with pytest.raises(SpecError, match="No section headings"):
        split_spec("```\n## SECTION 1: In code\n```\n")


def test_duplicate_section_numbers_warn_and_get_distinct_codes() -> None:
    result = split_spec("## SECTION 1: A\nx\n## SECTION 2: B\ny\n## SECTION 2: C\nz\n")

    assert [s.code for s in result.sections] == ["E01", "E02", "E02-2"]
    assert any("Section number 2 is used 2 times (lines 3, 5)" in w for w in result.warnings)


def test_out_of_order_section_numbers_warn() -> None:
    result = split_spec("## SECTION 1: A\nx\n## SECTION 3: C\ny\n## SECTION 2: B\nz\n")

    assert result.warnings == ["Section numbers are out of order: section 2 (line 5) comes after section 3."]


def test_empty_section_warns() -> None:
    result = split_spec("## SECTION 1: A\n\n\n## SECTION 2: B\ntext\n")

    assert result.warnings == ["Section 1 (A) is empty: nothing under its heading."]


def test_section_heading_inside_an_unclosed_fence_still_starts_its_section() -> None:
    result = split_spec("## SECTION 1: A\ntext\n```sql\nSELECT 1;\n## SECTION 2: Kept\n")

    assert [s.number for s in result.sections] == [1, 2]
    assert any("opened on line 3 is never closed" in w for w in result.warnings)
    assert result.errors == []


def test_fence_never_closed_before_the_end_warns_with_its_line() -> None:
    result = split_spec("## SECTION 1: A\ntext\n```sql\nSELECT 1;\n")

    assert result.warnings == ["The code block opened on line 3 is never closed; it runs to the end of the spec."]


def test_missing_title_becomes_unknown() -> None:
    assert split_spec("## SECTION 4:\nbody\n").sections[0].title == "Unknown"


def test_non_utf8_bytes_raise_spec_error_naming_the_byte() -> None:
    with pytest.raises(SpecError) as caught:
        decode_spec(b"## SECTION 1: Caf\xe9\n")

    assert "not UTF-8" in caught.value.message
    assert "0xe9" in caught.value.message


def test_numbers_after_a_lost_section_are_lost_loudly_too() -> None:
    text = "## SECTION 1: A\n```\n## SECTION 2: B\n```\n```\n## SECTION 3: C\n```\n## SECTION 4: D\nx\n"

    result = split_spec(text)

    assert [s.number for s in result.sections] == [1, 4]
    assert [e.split(":")[0] for e in result.errors] == ["Section 2 was not written", "Section 3 was not written"]
