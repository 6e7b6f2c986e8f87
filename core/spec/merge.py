"""The merge prompt (the earlier 04e): ask an agent to merge a structured spec with the codebase's
infrastructure into an integrated spec the splitter can read.

Two modes. The built-in template takes four named inputs, each either a path (referenced, for an agent
that can read files) or uploaded content (inlined), plus the output path. The generic mode takes any
template: its ``{{ PLACEHOLDERS }}`` are listed, and every one must be filled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel

from core.errors import SpecError
from core.spec.render import render_builtin, render_user, template_variables

MERGE_TEMPLATE = "merge_prompt.md.j2"


class MergeField(BaseModel):
    """One named input of the merge prompt and how the earlier tool spelled and placed it."""

    key: str
    label: str
    placeholder: str
    default_path: str


MERGE_FIELDS: list[MergeField] = [
    MergeField(
        key="structured_spec",
        label="Structured spec",
        placeholder="STRUCTURED_SPEC_PATH",
        default_path="04c-{abbrev}-structured-from-wireframe_v1.md",
    ),
    MergeField(
        key="infrastructure",
        label="Infrastructure inventory",
        placeholder="INFRASTRUCTURE_INVENTORY_PATH",
        default_path="_run-prompts/04d-{abbrev}-infrastructure-inventory_v1.md",
    ),
    MergeField(
        key="extension_strategy",
        label="Extension strategy",
        placeholder="EXTENSION_STRATEGY_PATH",
        default_path="_run-prompts/04d-{abbrev}-extension-strategy_v1.md",
    ),
    MergeField(
        key="implementation_guide",
        label="Implementation guide",
        placeholder="IMPLEMENTATION_GUIDE_PATH",
        default_path="_run-prompts/04d-{abbrev}-implementation-guide_v1.md",
    ),
]
OUTPUT_FIELD = MergeField(
    key="output_path",
    label="Output path (integrated spec)",
    placeholder="OUTPUT_PATH",
    default_path="04e-{abbrev}-integrated-extension-spec_v1.md",
)


class MergeInput(BaseModel):
    """A merge input: a path to reference, or content to inline (from an upload), or both."""

    path: str | None = None
    content: str | None = None
    name: str | None = None


def default_paths(abbrev: str) -> dict[str, str]:
    """Default path of every named input (and the output), as the earlier tool laid them out."""
    return {f.key: f.default_path.format(abbrev=abbrev) for f in [*MERGE_FIELDS, OUTPUT_FIELD]}


def fence(content: str) -> str:
    """Wrap content in a code fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}markdown\n{content.rstrip()}\n{ticks}"


def build_merge_prompt(
    inputs: Mapping[str, MergeInput], output_path: str, generated: date, project: str | None = None
) -> str:
    """Render the built-in merge prompt. Every named input needs a path or content."""
    missing = [f.label for f in MERGE_FIELDS if not _given(inputs.get(f.key))]
    if not output_path.strip():
        missing.append(OUTPUT_FIELD.label)
    if missing:
        raise SpecError(
            "The merge prompt needs every input; missing: " + ", ".join(missing) + ".",
            hint="Give each input as a path or an uploaded file.",
        )
    entries = []
    for field in MERGE_FIELDS:
        given = inputs[field.key]
        entries.append(
            {
                "label": field.label,
                "path": given.path or given.name or field.label,
                "content": fence(given.content) if given.content is not None else None,
            }
        )
    return render_builtin(
        MERGE_TEMPLATE,
        project=project or "Integrated Spec",
        generated=generated.isoformat(),
        template_name=MERGE_TEMPLATE,
        inputs=entries,
        output_path=output_path.strip(),
    )


def _given(value: MergeInput | None) -> bool:
    return value is not None and bool((value.path or "").strip() or value.content is not None)


def list_placeholders(template: str, label: str = "template") -> list[str]:
    """The names a user template expects, sorted (``{{ NAME }}`` and any other Jinja2 variable)."""
    return template_variables(template, label)


def named_placeholder_values(paths: Mapping[str, str]) -> dict[str, str]:
    """Map named inputs (``structured_spec`` …) to the earlier template's placeholder names."""
    by_key = {f.key: f.placeholder for f in [*MERGE_FIELDS, OUTPUT_FIELD]}
    return {by_key[key]: value for key, value in paths.items() if key in by_key}


def fill_template(template: str, values: Mapping[str, str], label: str = "template") -> str:
    """Fill every placeholder of a user template. Missing or unknown names are a SpecError naming them."""
    names = list_placeholders(template, label)
    missing = [n for n in names if n not in values]
    unknown = sorted(n for n in values if n not in names)
    if missing:
        raise SpecError(
            f"The {label} has placeholders with no value: {', '.join(missing)}.",
            hint="Give a value for each.",
            terminal_hint="Give a value for each (for example --var NAME=VALUE or --var-file NAME=PATH).",
        )
    if unknown:
        raise SpecError(
            f"The {label} has no placeholder named {', '.join(unknown)}.",
            hint=f"Its placeholders are: {', '.join(names) or 'none'}.",
        )
    return render_user(template, label=label, **values)
