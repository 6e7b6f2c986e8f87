"""The steps of a spec project, and what each one last did (stored in ``SpecProject.steps``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from core.models.spec_project import SpecProject
from core.models.statuses import SpecRunStatus, SpecSectionStatus, SpecStep, SpecStepStatus

StepKey = Literal["inputs", "integrate", "split", "meta", "execute"]
STEPS: tuple[StepKey, ...] = ("inputs", "integrate", "split", "meta", "execute")
STEP_TITLES: dict[StepKey, str] = {
    "inputs": "Merge inputs",
    "integrate": "Integrated spec (Claude)",
    "split": "Sections and INDEX",
    "meta": "Meta-prompts",
    "execute": "Execution prompts (Claude)",
}
StepStatus = SpecStepStatus


class SectionRun(BaseModel):
    status: SpecSectionStatus
    actual_usd: float = 0.0
    error: str | None = None
    continued: int = 0


class StepState(BaseModel):
    """What one step last did: done or failed, what it cost, any problems, when it finished."""

    status: SpecRunStatus = SpecStep.NOT_STARTED
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
    if state.status != SpecStep.DONE:
        return state.status
    if key == "execute" and any(run.status == SpecStep.FAILED for run in state.sections.values()):
        return SpecStep.PARTLY_DONE
    position = STEPS.index(key)
    for upstream in STEPS[:position]:
        earlier = step_state(project, upstream)
        if earlier.finished_at and state.finished_at and earlier.finished_at > state.finished_at:
            return SpecStep.OUT_OF_DATE
    return SpecStep.DONE
