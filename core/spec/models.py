"""Data shapes of the spec splitter: sections, their statistics and deliverables, a split result."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from core.errors import SpecError

ABBREV_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


def check_abbrev(abbrev: str) -> str:
    """Return the product abbreviation stripped, or raise SpecError if it cannot be part of a file name."""
    value = abbrev.strip()
    if not ABBREV_PATTERN.fullmatch(value):
        raise SpecError(
            f"'{abbrev}' is not a usable product abbreviation.",
            hint="Use 1-40 letters, digits, '-' or '_', starting with a letter or digit (for example 'pipeline').",
        )
    return value


INTEGRATED_SPEC_NAME = re.compile(r"^04e-(.+?)-integrated")


def abbrev_from_file_name(file_name: str) -> str | None:
    """The product abbreviation in an integrated spec's name (``04e-pipeline-integrated-…`` -> pipeline)."""
    match = INTEGRATED_SPEC_NAME.match(Path(file_name).name)
    return match.group(1) if match else None


def section_code(number: int, occurrence: int = 1) -> str:
    """``E03`` for section 3; a repeated number gets a suffix (``E03-2``) so no file is overwritten."""
    code = f"E{number:02d}"
    return code if occurrence == 1 else f"{code}-{occurrence}"


def section_file_name(abbrev: str, number: int, occurrence: int = 1) -> str:
    """File name of a build section, as the earlier 04f v3 script named it."""
    return f"04f-{abbrev}-build-section-{section_code(number, occurrence)}.md"


META_PROMPTS_DIR = "meta-prompts"


def meta_prompt_path(abbrev: str, code: str) -> str:
    """Where a section's meta-prompt lives, relative to the section files' folder."""
    return f"{META_PROMPTS_DIR}/04f-{abbrev}-build-section-{code}-meta-prompts.md"


def execution_prompts_name(abbrev: str, code: str) -> str:
    """The execution-prompts file an agent writes next to the section file (``full-build/``)."""
    return f"04f-{abbrev}-build-section-{code}-execution-prompts.md"


class Section(BaseModel):
    """One ``## SECTION N: Title`` block of an integrated spec, heading line included."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=0)
    title: str
    text: str
    start_line: int = Field(default=1, ge=1, description="1-based line of the heading in the source")
    occurrence: int = Field(default=1, ge=1, description="2 for the second section using the same number")

    @property
    def code(self) -> str:
        return section_code(self.number, self.occurrence)

    def file_name(self, abbrev: str) -> str:
        return section_file_name(abbrev, self.number, self.occurrence)


class SplitResult(BaseModel):
    """What splitting a spec produced: the text before the first section, the sections, and what to tell.

    ``errors`` name sections that could not be written (the split is incomplete: the CLI exits non-zero,
    the page shows an error); ``warnings`` are problems in the spec; ``notes`` explain headings kept as code.
    """

    preamble: str = ""
    sections: list[Section]
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)


class Complexity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class Deliverables(BaseModel):
    """What a section says it builds, so later sections can be told what they can rely on."""

    features: list[str] = Field(default_factory=list, description="'FR-2.1: Title' per feature heading")
    tables: list[str] = Field(default_factory=list)
    routes: list[str] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)


class SectionStats(BaseModel):
    """Size and complexity of a section; hours and prompt counts are ranges written as text ("2-3")."""

    feature_count: int
    line_count: int
    complexity: Complexity
    hours: str
    expected_prompts: str


class SectionFile(BaseModel):
    """A build-section file read back: its header fields and the verbatim section text."""

    file_name: str
    abbrev: str
    product: str
    number: int
    occurrence: int = 1
    title: str
    generated: str
    source: str
    text: str

    @property
    def code(self) -> str:
        return section_code(self.number, self.occurrence)
