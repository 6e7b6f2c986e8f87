"""What the fake Claude answers to the spec pipeline: an integrated spec for the merge prompt, and
execution prompts for a section's meta-prompt.

Each answer is a fixed text worked out from the request. A continuation (the request carries an
assistant turn holding the start of the answer) gets the rest of that same text, so a reply cut off at
``max_tokens`` and continued adds up to exactly the uncut answer.
"""

from __future__ import annotations

import re
from typing import Any

MERGE_MARKER = "# Integration Merge Prompt"
META_MARKER = re.compile(r"^# Customized Meta-Prompt: Section (E\d+(?:-\d+)?)$", re.MULTILINE)
SECTION = re.compile(r"^## SECTION (\d+): (.+?)$", re.MULTILINE)
FEATURE = re.compile(r"^#### (FR-\d+\.\d+): (.+?)$", re.MULTILINE)
EARLIER = re.compile(r"^### Execution prompts of (E\d+(?:-\d+)?)$", re.MULTILINE)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content if isinstance(block, dict))


def _first_user(body: dict[str, Any]) -> str:
    for message in body.get("messages") or []:
        if message.get("role") == "user":
            return _text(message.get("content"))
    return ""


def is_spec_request(body: dict[str, Any]) -> bool:
    prompt = _first_user(body)
    return prompt.startswith(MERGE_MARKER) or META_MARKER.search(prompt) is not None


def integrated_spec(prompt: str) -> str:
    """An integrated spec keeping every section and feature of the structured spec inlined in ``prompt``."""
    included = prompt.partition("## Included Inputs")[2]
    structured = included.partition("### Infrastructure inventory")[0]
    lines = ["# Integrated Extension Specification", "", "Merged by the fake Claude.", ""]
    headings = list(SECTION.finditer(structured))
    for position, heading in enumerate(headings):
        end = headings[position + 1].start() if position + 1 < len(headings) else len(structured)
        number, title = heading.group(1), heading.group(2).removesuffix(" - INTEGRATED")
        lines += [f"## SECTION {number}: {title} - INTEGRATED", "", "**Extension Status**: extends existing", ""]
        lines += ["### Overview (from original spec)", "", f"{title}, built on the existing infrastructure.", ""]
        lines += ["### Features & Requirements (INTEGRATED)", ""]
        for feature in FEATURE.finditer(structured, heading.end(), end):
            lines += [f"#### {feature.group(1)}: {feature.group(2)}", "", "- Reuses the existing database and API.", ""]
        lines += ["### Section Summary", "", f"Section {number} is integrated.", "", "---", ""]
    return "\n".join(lines).rstrip("-\n") + "\n"


def execution_prompts(prompt: str) -> str:
    """Execution prompts for the section a meta-prompt describes, naming earlier prompts it was given."""
    code = META_MARKER.search(prompt).group(1)  # type: ignore[union-attr]
    features = [f"{m.group(1)}: {m.group(2)}" for m in FEATURE.finditer(prompt.partition("## Section file")[2])]
    earlier = EARLIER.findall(prompt)
    lines = [f"# Build Section {code}: Execution Prompts", "", f"**Total Prompts**: {max(1, len(features))}", ""]
    lines += [f"**Builds on**: {', '.join(earlier) if earlier else 'nothing earlier'}", "", "## Prompt Sequence", ""]
    for number, feature in enumerate(features or ["the section as a whole"], start=1):
        lines += [f"# PROMPT {number}: {feature}", "", f"Implement {feature} for section {code}.", ""]
        lines += ["Acceptance criteria: the feature works end to end and its tests pass.", ""]
    lines += ["## Section Completion Checklist", "", "- [ ] Every feature done", "", f"END OF SECTION {code} PROMPTS"]
    return "\n".join(lines) + "\n"


def reply_for(body: dict[str, Any], *, truncate: bool = False) -> tuple[str, str]:
    """(text, stop_reason) of the answer, or of the rest of it for a continuation; cut in half when
    ``truncate`` (stop reason ``max_tokens``)."""
    prompt = _first_user(body)
    full = integrated_spec(prompt) if prompt.startswith(MERGE_MARKER) else execution_prompts(prompt)
    so_far = "".join(_text(m.get("content")) for m in body.get("messages") or [] if m.get("role") == "assistant")
    rest = full[len(so_far) :] if full.startswith(so_far) else full
    if truncate:
        return rest[: len(rest) // 2], "max_tokens"
    return rest, "end_turn"
