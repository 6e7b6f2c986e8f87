"""One meta-prompt per build section (the earlier 04f v4, fixed).

Each meta-prompt inlines the base template (the progressive-prompts method; replaceable by the user)
and lists, for every earlier section, what it actually delivers: its feature titles and the tables,
routes, components and files it names. Meta-prompts are always built from section-file texts, so the
ones made in memory equal the ones made from a folder on disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from core.spec.models import SectionFile, execution_prompts_name, meta_prompt_path
from core.spec.render import builtin_template_text, render_builtin, render_user
from core.spec.section_files import read_section_files
from core.spec.stats import extract_deliverables, extract_overview, section_stats

META_PROMPT_TEMPLATE = "meta_prompt.md.j2"
BASE_TEMPLATE = "progressive_prompts_base.md.j2"

#: Values a replacement base template may use, with what they hold.
BASE_TEMPLATE_VARIABLES: dict[str, str] = {
    "product": "product abbreviation in capitals",
    "abbrev": "product abbreviation as used in file names",
    "section": "number, title, code (E03), file_name, source",
    "stats": "feature_count, line_count, complexity, hours, expected_prompts",
    "overview": "text under the section's '### Overview' heading ('' if none)",
    "deliverables": "this section's features, tables, routes, components, files (lists)",
    "previous_sections": "earlier sections: code, title, file_name, feature_count, deliverables",
    "generated": "date, YYYY-MM-DD",
    "execution_prompts_file": "file name the agent should write its prompts to",
}


def default_base_template() -> str:
    """Text of the built-in base template, as a starting point for a replacement."""
    return builtin_template_text(BASE_TEMPLATE)


def meta_prompt_file_name(section: SectionFile) -> str:
    return meta_prompt_path(section.abbrev, section.code).rsplit("/", 1)[1]


def execution_prompts_file_name(section: SectionFile) -> str:
    return execution_prompts_name(section.abbrev, section.code)


def _section_context(section: SectionFile) -> dict[str, Any]:
    return {
        "number": section.number,
        "title": section.title,
        "code": section.code,
        "file_name": section.file_name,
        "source": section.source,
    }


def _context(section: SectionFile, previous: list[dict[str, Any]], generated: date) -> dict[str, Any]:
    stats = section_stats(section.text)
    return {
        "product": section.abbrev.upper(),
        "abbrev": section.abbrev,
        "section": _section_context(section),
        "stats": {**stats.model_dump(), "complexity": stats.complexity.value},
        "overview": extract_overview(section.text),
        "deliverables": extract_deliverables(section.text).model_dump(),
        "previous_sections": list(previous),
        "generated": generated.isoformat(),
        "execution_prompts_file": execution_prompts_file_name(section),
    }


def build_meta_prompts(
    section_files: Mapping[str, str],
    generated: date,
    base_template: str | None = None,
    base_template_name: str = BASE_TEMPLATE,
    abbrev: str | None = None,
) -> dict[str, str]:
    """Meta-prompt file name -> text, one per section file among ``section_files`` (name -> text).

    ``base_template`` replaces the built-in base template; it renders in the sandbox with the values in
    :data:`BASE_TEMPLATE_VARIABLES`, and an unknown name is a SpecError naming it.
    """
    outputs: dict[str, str] = {}
    previous: list[dict[str, Any]] = []
    for section in read_section_files(section_files, abbrev):
        context = _context(section, previous, generated)
        if base_template is None:
            base = render_builtin(BASE_TEMPLATE, **context)
        else:
            base = render_user(base_template, label=f"base template {base_template_name}", **context)
        outputs[meta_prompt_file_name(section)] = render_builtin(
            META_PROMPT_TEMPLATE, base_template=base.strip("\n"), base_template_name=base_template_name, **context
        )
        previous.append(
            {
                **context["section"],
                "feature_count": context["stats"]["feature_count"],
                "deliverables": context["deliverables"],
            }
        )
    return outputs
