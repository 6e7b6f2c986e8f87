"""Split an integrated spec into its ``## SECTION N: Title`` sections.

Fixes over the earlier 04f v3 script: headings inside properly closed code blocks do not split, CRLF
and BOM inputs give the same sections as LF, the preamble is kept, and odd numbering is reported instead
of silently overwriting files. A horizontal rule that only separates a section from the next one is
dropped from the end of the section (and of the preamble); everything else is kept verbatim.

Never losing a section comes first. Specs written by language models leave code blocks open, and a
fence-aware parser then reads the following sections as code. So a ``## SECTION N:`` line inside a code
block still starts a section when N continues the numbering and either the block looks open (see
:mod:`core.spec.fences`) or no other line starts section N; the block is then reported as unclosed.
Finally every section number a plain line match finds must have been written, or the result carries an
error naming each missing one.
"""

from __future__ import annotations

import itertools
import re

from pydantic import BaseModel

from core.errors import SpecError
from core.spec.fences import Fence, closes, find_close, opening_fence
from core.spec.models import Section, SplitResult

SECTION_PATTERN_TEXT = "## SECTION N: Title"
SECTION_HEADING = re.compile(r"^## SECTION (\d+):[ \t]*(.*?)[ \t]*$")
# Level 1-2 headings that nearly match; '### Section N:' lines (tables of contents, appendices, INDEX.md)
# are ordinary subsection headings and are never reported.
NEAR_MISS = re.compile(r"^ {0,3}#{1,2}\s*section\s*\d+", re.IGNORECASE)
INTEGRATED_SUFFIX = re.compile(r"\s+-\s+INTEGRATED$")
# A rule after a blank line; without the blank line, '---' underlines a heading and is kept.
TRAILING_RULE = re.compile(r"\n[ \t]*\n\s* {0,3}(?:-{3,}|\*{3,}|_{3,})[ \t]*$")


def decode_spec(data: bytes) -> str:
    """Decode uploaded bytes as UTF-8 (a BOM is allowed) and normalise line endings to ``\\n``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"The spec is not UTF-8 text: byte 0x{data[exc.start]:02x} at position {exc.start} cannot be read.",
            hint="Save the file as UTF-8 (most editors offer this under 'Save as' / 'Encoding') and try again.",
        ) from exc
    return normalize_text(text)


def normalize_text(text: str) -> str:
    """Drop a leading BOM and turn CRLF / CR line endings into LF."""
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_title(raw: str) -> str:
    """Heading text after ``## SECTION N:`` without a trailing ``- INTEGRATED``; 'Unknown' if empty."""
    title = INTEGRATED_SUFFIX.sub("", raw.strip()).strip()
    return title or "Unknown"


def _trim(block: str) -> str:
    """Strip trailing blank lines and a trailing separator rule."""
    block = block.rstrip()
    return TRAILING_RULE.sub("", block).rstrip()


class _Heading(BaseModel):
    index: int
    number: int
    title: str


class _CodeHeading(BaseModel):
    """A ``## SECTION N:`` line kept as code: the block's opening line, and how suspicious it is."""

    number: int
    block_line: int
    looks_open: bool
    continues: bool  # N is the number after the previous section's


class _Scan(BaseModel):
    """What one pass over the lines found."""

    headings: list[_Heading]
    near_misses: list[int]
    fence_breaks: list[str]
    unclosed_at_end: int | None
    code_headings: dict[int, _CodeHeading]  # 0-based line -> a section heading kept as code


def _scan(lines: list[str]) -> _Scan:
    plain = {i: m for i, line in enumerate(lines) if (m := SECTION_HEADING.match(line))}
    headings: list[_Heading] = []
    near_misses: list[int] = []
    breaks: list[str] = []
    code_headings: dict[int, _CodeHeading] = {}
    fence: Fence | None = None
    looks_open: bool | None = None
    last = 0  # number of the latest section (or of a continuing heading kept as code)
    for index, line in enumerate(lines):
        match = plain.get(index)
        if fence is not None:
            if closes(fence, line):
                fence, looks_open = None, None
                continue
            if match is None:
                continue
            number = int(match.group(1))
            if looks_open is None:
                looks_open = find_close(lines, fence)[1]
            if not (looks_open and number > last):
                found = _CodeHeading(
                    number=number, block_line=fence.line, looks_open=looks_open, continues=number == last + 1
                )
                code_headings[index] = found
                last = number if found.continues else last  # a lost section 2 makes section 3 continue
                continue
            breaks.append(
                f"The code block opened on line {fence.line} is never closed properly; the "
                f"`## SECTION {number}:` line (line {index + 1}) inside it was taken as the start of section "
                f"{number}. Close the block before that line."
            )
            fence, looks_open = None, None
        if match is not None:
            headings.append(_Heading(index=index, number=int(match.group(1)), title=clean_title(match.group(2))))
            last = headings[-1].number
            continue
        fence = opening_fence(line, index)
        if fence is None and NEAR_MISS.match(line):
            near_misses.append(index + 1)
    return _Scan(
        headings=headings,
        near_misses=near_misses,
        fence_breaks=breaks,
        unclosed_at_end=fence.line if fence is not None else None,
        code_headings=code_headings,
    )


def split_spec(text: str) -> SplitResult:
    """Split spec text into sections. Raises SpecError when there is no section heading at all."""
    lines = normalize_text(text).split("\n")
    scan = _scan(lines)
    headings = scan.headings
    if not headings:
        hint = (
            f"Each section must start on its own line with `{SECTION_PATTERN_TEXT}` "
            "(for example `## SECTION 1: Foundation & Authentication`); headings inside ``` code blocks "
            "do not count."
        )
        if scan.near_misses:
            hint += f" Lines that look close but do not match: {', '.join(map(str, scan.near_misses))}."
        raise SpecError(f"No section headings found: expected lines like `{SECTION_PATTERN_TEXT}`.", hint=hint)

    sections: list[Section] = []
    seen: dict[int, int] = {}
    for position, heading in enumerate(headings):
        end = headings[position + 1].index if position + 1 < len(headings) else len(lines)
        body = _trim("\n".join(lines[heading.index : end]))
        seen[heading.number] = seen.get(heading.number, 0) + 1
        sections.append(
            Section(
                number=heading.number,
                title=heading.title,
                text=body,
                start_line=heading.index + 1,
                occurrence=seen[heading.number],
            )
        )

    preamble = _trim("\n".join(lines[: headings[0].index])).strip()
    warnings = [
        *scan.fence_breaks,
        *_numbering_warnings(sections),
        *_content_warnings(sections, scan.near_misses, scan.unclosed_at_end),
    ]
    notes, errors = _code_heading_report(scan, {s.number for s in sections})
    return SplitResult(preamble=preamble, sections=sections, warnings=warnings, notes=notes, errors=errors)


def _code_heading_report(scan: _Scan, written: set[int]) -> tuple[list[str], list[str]]:
    """Notes for example headings kept as code; an error for every section number that got no file."""
    notes: list[str] = []
    missing: dict[int, list[str]] = {}
    for index, found in scan.code_headings.items():
        number = found.number
        where = f"line {index + 1}, in the code block opened on line {found.block_line}"
        if number not in written and (found.looks_open or found.continues):
            missing.setdefault(number, []).append(where)
        else:
            notes.append(f"`## SECTION {number}:` ({where}) is an example inside code, not a section.")
    errors = [
        f"Section {number} was not written: its `## SECTION {number}:` line ({'; '.join(at)}) is inside "
        "code. If it starts a section, close the code block before it and split again."
        for number, at in sorted(missing.items())
    ]
    return notes, errors


def _numbering_warnings(sections: list[Section]) -> list[str]:
    warnings: list[str] = []
    by_number: dict[int, list[Section]] = {}
    for section in sections:
        by_number.setdefault(section.number, []).append(section)
    for number, group in by_number.items():
        if len(group) > 1:
            lines = ", ".join(str(s.start_line) for s in group)
            codes = ", ".join(s.code for s in group[1:])
            warnings.append(
                f"Section number {number} is used {len(group)} times (lines {lines}); "
                f"the repeats are written as {codes}."
            )
    for previous, current in itertools.pairwise(sections):
        if current.number < previous.number:
            warnings.append(
                f"Section numbers are out of order: section {current.number} (line {current.start_line}) "
                f"comes after section {previous.number}."
            )
    return warnings


def _content_warnings(sections: list[Section], near_misses: list[int], unclosed: int | None) -> list[str]:
    warnings: list[str] = []
    for section in sections:
        if not section.text.partition("\n")[2].strip():
            warnings.append(f"Section {section.number} ({section.title}) is empty: nothing under its heading.")
    if near_misses:
        warnings.append(
            f"Lines {', '.join(map(str, near_misses))} look like section headings but do not match "
            f"`{SECTION_PATTERN_TEXT}`, so they did not start a section."
        )
    if unclosed is not None:
        warnings.append(f"The code block opened on line {unclosed} is never closed; it runs to the end of the spec.")
    return warnings
