"""Stage 4, normalize: the enriched dict becomes the exact bytes we store (earlier-system.md §5.6).

Input: the enriched dict. Output: ``Normalized`` (the UTF-8 bytes, 2-space indented, and the issues
found). Unlike the earlier system, what we check is what we store: control characters removed here
are removed from the stored file, and the schema check runs the ``EnrichedConversation`` model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import pydantic

from core.jsonutil import dumps_pretty

IssueType = Literal["encoding", "formatting", "schema", "size"]
IssueSeverity = Literal["info", "warning", "error"]
# U+0000–0008, 000B, 000C, 000E–001F, 007F: JSON escapes the first ones, so look for the escapes too.
CONTROL_IN_JSON = re.compile(rb"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|\x7f")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MIN_BYTES = 1000
MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class NormalizationIssue:
    type: IssueType
    severity: IssueSeverity
    message: str
    fixed: bool = False


@dataclass
class Normalized:
    data: bytes
    issues: list[NormalizationIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)

    def errors(self) -> list[str]:
        return [i.message for i in self.issues if i.severity == "error"]


def strip_control(value: Any) -> Any:
    """``value`` with control characters removed from every string (keys included)."""
    if isinstance(value, str):
        return CONTROL_CHARS.sub("", value)
    if isinstance(value, list):
        return [strip_control(v) for v in value]
    if isinstance(value, dict):
        return {strip_control(k): strip_control(v) for k, v in value.items()}
    return value


def check_schema(enriched: Any) -> list[NormalizationIssue]:
    if not isinstance(enriched, dict) or not isinstance(enriched.get("dataset_metadata"), dict):
        return [NormalizationIssue("schema", "error", "dataset_metadata is missing.")]
    issues = []
    if not isinstance(enriched.get("consultant_profile"), dict):
        issues.append(NormalizationIssue("schema", "warning", "consultant_profile is missing."))
    pairs = enriched.get("training_pairs")
    if not isinstance(pairs, list):
        return [*issues, NormalizationIssue("schema", "error", "training_pairs is missing or not a list.")]
    if not pairs:
        return [*issues, NormalizationIssue("schema", "warning", "training_pairs is empty.")]
    from core.enrichment.format import EnrichedConversation  # the full shape, checked last

    try:
        EnrichedConversation.model_validate(enriched)
    except pydantic.ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        issues.append(
            NormalizationIssue("schema", "error", f"{where}: {first['msg']} ({err.error_count()} problem(s)).")
        )
    return issues


def normalize(enriched: dict[str, Any]) -> Normalized:
    """Serialise ``enriched`` canonically and check encoding, size and schema."""
    issues = check_schema(enriched)
    data = dumps_pretty(enriched)
    # A substring test first (C speed); the regex only runs when an escape might be a control character.
    if (b"\\u00" in data or b"\x7f" in data) and CONTROL_IN_JSON.search(data):
        cleaned = strip_control(enriched)
        if cleaned != enriched:
            data = dumps_pretty(cleaned)
            issues.append(NormalizationIssue("encoding", "warning", "Control characters were removed.", fixed=True))
    if len(data) < MIN_BYTES:
        issues.append(NormalizationIssue("size", "warning", f"The file is suspiciously small ({len(data)} bytes)."))
    elif len(data) > MAX_BYTES:
        issues.append(NormalizationIssue("size", "error", f"The file is {len(data)} bytes, over the 100 MB limit."))
    return Normalized(data=data, issues=issues)
