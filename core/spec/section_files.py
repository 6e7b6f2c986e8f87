"""Build-section files and their INDEX.md: render them, and read a section file back.

A section file is a short header (``# Build Section E{NN}`` and bold-label lines), a ``---`` rule, then
the section text verbatim. Reading it back gives the same text, so meta-prompts made from files on disk
equal the ones made in memory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from core.errors import SpecError
from core.spec.models import Section, SectionFile, SplitResult
from core.spec.parse import normalize_text
from core.spec.render import render_builtin
from core.spec.stats import section_stats

SECTION_FILE_NAME = re.compile(r"^04f-(.+)-build-section-E(\d+)(?:-(\d+))?\.md$")
HEADER_LINE = re.compile(r"^\*\*(Product|Section|Generated|Source)\*\*:[ \t]*(.*?)[ \t]*$")
RULE = "---"


def render_section_file(section: Section, abbrev: str, source_name: str, generated: date) -> str:
    """Text of ``04f-{abbrev}-build-section-E{NN}.md`` for one section."""
    header = [
        f"# Build Section {section.code}",
        "",
        f"**Product**: {abbrev.upper()}",
        f"**Section**: {section.number} - {section.title}",
        f"**Generated**: {generated.isoformat()}",
        f"**Source**: {source_name}",
        "",
        RULE,
        "",
        section.text,
    ]
    return "\n".join(header) + "\n"


def render_index(result: SplitResult, abbrev: str, source_name: str, generated: date) -> str:
    """Text of INDEX.md: product, date, totals, source, each section with its file, usage notes."""
    entries = [
        {"section": s, "file_name": s.file_name(abbrev), "stats": section_stats(s.text)} for s in result.sections
    ]
    return render_builtin(
        "index.md.j2",
        product=abbrev.upper(),
        generated=generated.isoformat(),
        source=source_name,
        entries=entries,
        build_order=[s.code for s in sorted(result.sections, key=lambda s: (s.number, s.occurrence))],
        warnings=result.warnings,
    )


def split_outputs(result: SplitResult, abbrev: str, source_name: str, generated: date) -> dict[str, str]:
    """``INDEX.md`` then one file per section, in document order: file name -> text."""
    files = {"INDEX.md": render_index(result, abbrev, source_name, generated)}
    for section in result.sections:
        files[section.file_name(abbrev)] = render_section_file(section, abbrev, source_name, generated)
    return files


def is_section_file_name(name: str) -> bool:
    return SECTION_FILE_NAME.fullmatch(name) is not None


def parse_section_file(file_name: str, text: str) -> SectionFile:
    """Read a build-section file written by :func:`render_section_file`."""
    name_match = SECTION_FILE_NAME.fullmatch(file_name)
    if name_match is None:
        raise SpecError(f"{file_name} is not a build-section file name (expected 04f-ABBREV-build-section-ENN.md).")
    lines = normalize_text(text).split("\n")
    try:
        rule_at = lines.index(RULE)
    except ValueError as exc:
        raise SpecError(f"{file_name} has no '---' line after its header, so it is not a section file.") from exc
    fields: dict[str, str] = {}
    for line in lines[:rule_at]:
        match = HEADER_LINE.match(line)
        if match:
            fields[match.group(1)] = match.group(2)
    section_match = re.fullmatch(r"(\d+) - (.*)", fields.get("Section", ""))
    if section_match is None:
        raise SpecError(f"{file_name} has no '**Section**: N - Title' line in its header.")
    body = "\n".join(lines[rule_at + 1 :]).strip("\n")
    abbrev = name_match.group(1)
    return SectionFile(
        file_name=file_name,
        abbrev=abbrev,
        product=fields.get("Product", abbrev.upper()),
        number=int(section_match.group(1)),
        occurrence=int(name_match.group(3) or 1),
        title=section_match.group(2),
        generated=fields.get("Generated", ""),
        source=fields.get("Source", ""),
        text=body,
    )


def read_section_files(files: Mapping[str, str], abbrev: str | None = None) -> list[SectionFile]:
    """Parse every section file among ``files`` (name -> text), ordered by section number then repeat.

    Other files (INDEX.md, meta-prompts, ``E03b`` drafts) are ignored. Raises SpecError when no section
    file is found, or when several products are mixed and ``abbrev`` does not pick one.
    """
    parsed = [parse_section_file(name, text) for name, text in files.items() if is_section_file_name(name)]
    if abbrev:
        parsed = [s for s in parsed if s.abbrev == abbrev]
    if not parsed:
        wanted = f"04f-{abbrev or 'ABBREV'}-build-section-ENN.md"
        raise SpecError(f"No section files ({wanted}) found.", hint="Run `spec split` first to create them.")
    products = sorted({s.abbrev for s in parsed})
    if len(products) > 1:
        raise SpecError(
            f"Section files of several products are mixed here: {', '.join(products)}.",
            hint="Choose one with --product.",
        )
    return sorted(parsed, key=lambda s: (s.number, s.occurrence))
