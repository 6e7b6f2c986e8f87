"""Build-section files and their INDEX.md: render them, and read a section file back.

A section file is a short header (``# Build Section E{NN}`` and bold-label lines), a ``---`` rule, then
the section text verbatim. Reading it back gives the same text, so meta-prompts made from files on disk
equal the ones made in memory.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path

from core.errors import SpecError
from core.spec.models import Section, SectionFile, SplitResult, execution_prompts_name, meta_prompt_path
from core.spec.parse import normalize_text
from core.spec.render import render_builtin
from core.spec.stats import section_stats

SECTION_FILE_NAME = re.compile(r"^04f-(.+)-build-section-E(\d+)(?:-(\d+))?\.md$")
HEADER_LINE = re.compile(r"^\*\*(Product|Section|Generated|Source)\*\*:[ \t]*(.*?)[ \t]*$")
RULE = "---"


def render_section_file(section: Section, abbrev: str, source_name: str, generated: date) -> str:
    """Text of ``04f-{abbrev}-build-section-E{NN}.md`` for one section."""
    fields = [
        f"**Product**: {abbrev.upper()}",
        f"**Section**: {section.number} - {section.title}",
        f"**Generated**: {generated.isoformat()}",
        f"**Source**: {source_name}",
    ]
    # A blank line between header lines: each renders as its own line in Markdown, not one paragraph.
    return f"# Build Section {section.code}\n\n" + "\n\n".join(fields) + f"\n\n{RULE}\n\n{section.text}\n"


def render_index(
    result: SplitResult, abbrev: str, source_name: str, generated: date, existing: Collection[str] = ()
) -> str:
    """Text of INDEX.md: product, date, totals, source, problems, each section with links to its files.

    Every section links to its section file; to its meta-prompt and execution prompts when their
    names are among ``existing`` (paths relative to the folder INDEX.md is in). The source (the integrated
    spec) is a link when it is among ``existing`` too.
    """
    present = set(existing)
    entries = []
    for section in result.sections:
        meta = meta_prompt_path(abbrev, section.code)
        execution = execution_prompts_name(abbrev, section.code)
        entries.append(
            {
                "section": section,
                "file_name": section.file_name(abbrev),
                "meta_prompt": meta if meta in present else None,
                "execution_prompts": execution if execution in present else None,
                "stats": section_stats(section.text),
            }
        )
    return render_builtin(
        "index.md.j2",
        product=abbrev.upper(),
        generated=generated.isoformat(),
        source=source_name,
        source_linked=source_name in present,
        entries=entries,
        build_order=[s.code for s in sorted(result.sections, key=lambda s: (s.number, s.occurrence))],
        warnings=result.warnings,
        errors=result.errors,
    )


INDEX_FILE_LINE = re.compile(r"^\*\*File\*\*: \[(04f-(.+)-build-section-(E\d+(?:-\d+)?)\.md)\]\(\1\)$")
INDEX_LINK_LINE = re.compile(r"^\*\*(Meta-prompt|Execution prompts)\*\*: \[")
INDEX_SOURCE_LINE = re.compile(r"^\*\*Source File\*\*: (?:\[(.+)\]\(\1\)|(.+))$")


def link_index(index_text: str, existing: Collection[str]) -> str:
    """INDEX.md with each section's meta-prompt and execution-prompts links set to the files in ``existing``.

    Gives the text :func:`render_index` would give with the same ``existing``; lines of other files are kept.
    """
    present = set(existing)
    lines = index_text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if source := INDEX_SOURCE_LINE.match(line):
            name = source.group(1) or source.group(2)
            line = f"**Source File**: [{name}]({name})" if name in present else f"**Source File**: {name}"
        out.append(line)
        index += 1
        match = INDEX_FILE_LINE.match(line)
        if match is None:
            continue
        while index + 1 < len(lines) and lines[index] == "" and INDEX_LINK_LINE.match(lines[index + 1]):
            index += 2  # drop the old link lines; they are written again below
        abbrev, code = match.group(2), match.group(3)
        for label, name in (
            ("Meta-prompt", meta_prompt_path(abbrev, code)),
            ("Execution prompts", execution_prompts_name(abbrev, code)),
        ):
            if name in present:
                out += ["", f"**{label}**: [{name}]({name})"]
    return "\n".join(out)


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
            hint="Keep one product's section files per folder.",
            terminal_hint="Choose one with --product.",
        )
    return sorted(parsed, key=lambda s: (s.number, s.occurrence))


def folder_listing(folder: Path) -> list[str]:
    """Paths of the files under ``folder``, relative to it, with '/' separators."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def refresh_index(folder: Path) -> None:
    """Point the links of ``folder/INDEX.md`` (when there is one) at the files that exist now."""
    index = folder / "INDEX.md"
    if not index.is_file():
        return
    text = normalize_text(index.read_text(encoding="utf-8"))
    linked = link_index(text, folder_listing(folder))
    if linked != text:
        with index.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(linked)
