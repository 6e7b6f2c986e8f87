"""The steps of a spec project, and what each one last did (stored in ``SpecProject.steps``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from core.models.spec_project import SpecProject

StepKey = Literal["inputs", "integrate", "split", "meta", "execute"]
STEPS: tuple[StepKey, ...] = ("inputs", "integrate", "split", "meta", "execute")
STEP_TITLES: dict[StepKey, str] = {
    "inputs": "Merge inputs",
    "integrate": "Integrated spec (Claude)",
    "split": "Sections and INDEX",
    "meta": "Meta-prompts",
    "execute": "Execution prompts (Claude)",
}
StepStatus = Literal["not_started", "done", "failed", "partly_done", "out_of_date"]


class SectionRun(BaseModel):
    status: Literal["done", "failed"]
    actual_usd: float = 0.0
    error: str | None = None
    continued: int = 0


class StepState(BaseModel):
    """What one step last did: done or failed, what it cost, any problems, when it finished."""

    status: Literal["not_started", "done", "failed"] = "not_started"
    estimate_usd: float | None = None
    actual_usd: float = 0.0
    error: str | None = None
    problems: list[str] = Field(default_factory=list)  # split: errors, then warnings
    notes: list[str] = Field(default_factory=list)
    finished_at: datetime | None = None
    sections: dict[str, SectionRun] = Field(default_factory=dict)  # execution prompts, per section


def step_state(project: SpecProject, key: StepKey) -> StepState:
    return StepState.model_validate(project.steps.get(key) or {})


def step_status(project: SpecProject, key: StepKey) -> StepStatus:
    """The status a person sees: a done step made from an older upstream output is out of date."""
    state = step_state(project, key)
    if state.status != "done":
        return state.status
    if key == "execute" and any(run.status == "failed" for run in state.sections.values()):
        return "partly_done"
    position = STEPS.index(key)
    for upstream in STEPS[:position]:
        earlier = step_state(project, upstream)
        if earlier.finished_at and state.finished_at and earlier.finished_at > state.finished_at:
            return "out_of_date"
    return "done"
