"""A spec project: the builder's pipeline from merge inputs to execution prompts, saved as it goes.

``inputs`` holds the four merge inputs (key -> {"name", "text"}); ``files`` every output by its path in
``full-build/`` terms (the integrated spec, INDEX.md, section files, ``meta-prompts/…``, execution
prompts); ``steps`` the state of each step (see ``core.spec.project_steps.StepState``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from core.models.base import Record


class SpecProject(Record):
    name: str
    abbrev: str
    model: str = ""
    ordered: bool = True
    inputs: dict[str, Any] = Field(default_factory=dict)
    files: dict[str, str] = Field(default_factory=dict)
    steps: dict[str, Any] = Field(default_factory=dict)
