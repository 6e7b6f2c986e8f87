"""The integrated spec, written by Claude from the four merge inputs (the merge prompt, run for you).

Planning needs no key and spends nothing; a missing or empty input is a SpecError naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from core.errors import SpecError
from core.spec.claude_calls import INTEGRATE_MAX_TOKENS, CallContext, PlannedCall, plan_call
from core.spec.merge import MERGE_FIELDS, MergeInput, build_merge_prompt

INTEGRATE_SYSTEM = (
    "You are a senior software architect. You rewrite a structured product specification so that every "
    "feature is built with the infrastructure an existing codebase already has. Answer with the integrated "
    "specification only, as Markdown, in full: no preamble, no summary of what you did."
)


def integrated_spec_name(abbrev: str) -> str:
    """File name of the integrated spec, as the earlier workflow named it."""
    return f"04e-{abbrev}-integrated-extension-spec_v1.md"


def plan_integrate(
    inputs: Mapping[str, MergeInput], abbrev: str, ctx: CallContext, model: str, generated: date
) -> PlannedCall:
    """The merge call: every input's text inlined. A missing or empty input is a SpecError naming it."""
    missing = [f.label for f in MERGE_FIELDS if not ((given := inputs.get(f.key)) and (given.content or "").strip())]
    if missing:
        raise SpecError(
            "Claude needs the text of every merge input; missing or empty: " + ", ".join(missing) + ".",
            hint="Add each one (upload the file or paste its text), then estimate again. Nothing was sent.",
        )
    prompt = build_merge_prompt(inputs, integrated_spec_name(abbrev), generated, abbrev.upper())
    structured = estimate_chars(inputs["structured_spec"].content or "")
    return plan_call(
        "integrate",
        "The integrated spec",
        model=model,
        user=prompt,
        system=INTEGRATE_SYSTEM,
        cache_system=False,
        expected_output=int(structured * 1.5) + 1_000,
        max_tokens=INTEGRATE_MAX_TOKENS,
        settings=ctx.settings,
    )


def estimate_chars(text: str) -> int:
    return len(text) // 4 + 1
