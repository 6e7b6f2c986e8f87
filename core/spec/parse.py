"""Split an integrated spec into its ``## SECTION N: Title`` sections.

Fixes over the earlier 04f v3 script: headings inside fenced code blocks do not split, CRLF and BOM
inputs give the same sections as LF, the preamble is kept, and odd numbering is reported instead of
silently overwriting files. A horizontal rule that only separates a section from the next one is
dropped from the end of the section (and of the preamble); everything else is kept verbatim.
"""

from __future__ import annotations

import itertools
import re

from core.errors import SpecError
from core.spec.models import Section, SplitResult

SECTION_PATTERN_TEXT = "## SECTION N: Title"
SECTION_HEADING = re.compile(r"^## SECTION (\d+):[ \t]*(.*?)[ \t]*$")
NEAR_MISS = re.compile(r"^\s{0,3}#{1,6}\s*section\s*\d+", re.IGNORECASE)
INTEGRATED_SUFFIX = re.compile(r"\s+-\s+INTEGRATED$")
FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
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


def scan_fences(lines: list[str]) -> tuple[list[bool], int | None]:
    """Mark each line as inside a fenced code block (fence lines included).

    Also return the 1-based line of a fence that is never closed (it runs to the end, as in CommonMark).
    """
    inside: list[bool] = []
    fence: str | None = None
    opened_at: int | None = None
    for index, line in enumerate(lines):
        if fence is None:
            match = FENCE_OPEN.match(line)
            if match:
                fence, opened_at = match.group(1), index + 1
            inside.append(fence is not None)
            continue
        inside.append(True)
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if indent <= 3 and stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            fence, opened_at = None, None
    return inside, opened_at


def clean_title(raw: str) -> str:
    """Heading text after ``## SECTION N:`` without a trailing ``- INTEGRATED``; 'Unknown' if empty."""
    title = INTEGRATED_SUFFIX.sub("", raw.strip()).strip()
    return title or "Unknown"


def _trim(block: str) -> str:
    """Strip trailing blank lines and a trailing separator rule."""
    block = block.rstrip()
    return TRAILING_RULE.sub("", block).rstrip()


def split_spec(text: str) -> SplitResult:
    """Split spec text into sections. Raises SpecError when there is no section heading at all."""
    lines = normalize_text(text).split("\n")
    headings: list[tuple[int, int, str]] = []
    near_misses: list[int] = []
    inside_fence, unclosed = scan_fences(lines)
    for index, line in enumerate(lines):
        if inside_fence[index]:
            continue
        match = SECTION_HEADING.match(line)
        if match:
            headings.append((index, int(match.group(1)), clean_title(match.group(2))))
        elif NEAR_MISS.match(line):
            near_misses.append(index + 1)

    if not headings:
        hint = (
            f"Each section must start on its own line with `{SECTION_PATTERN_TEXT}` "
            "(for example `## SECTION 1: Foundation & Authentication`); headings inside ``` code blocks "
            "do not count."
        )
        if near_misses:
            hint += f" Lines that look close but do not match: {', '.join(map(str, near_misses))}."
        raise SpecError(f"No section headings found: expected lines like `{SECTION_PATTERN_TEXT}`.", hint=hint)

    sections: list[Section] = []
    seen: dict[int, int] = {}
    for position, (start, number, title) in enumerate(headings):
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        body = _trim("\n".join(lines[start:end]))
        seen[number] = seen.get(number, 0) + 1
        sections.append(Section(number=number, title=title, text=body, start_line=start + 1, occurrence=seen[number]))

    preamble = _trim("\n".join(lines[: headings[0][0]])).strip()
    warnings = _numbering_warnings(sections) + _content_warnings(sections, near_misses, unclosed)
    return SplitResult(preamble=preamble, sections=sections, warnings=warnings)


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
        warnings.append(
            f"The code block opened on line {unclosed} is never closed; section headings after it are ignored."
        )
    return warnings
