"""Home's first-run checklist: scaffold → generate → enrich → review → export → train, each ticked from the data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel

from core.models.statuses import REVIEWED, Enrichment, Review

if TYPE_CHECKING:
    from core.export import TrainingFileService
    from core.scaffolding.service import ScaffoldingService
    from core.stats import Stats
    from core.training.service import TrainingService

StepKey = Literal["scaffold", "generate", "enrich", "review", "export", "train"]


class Step(BaseModel):
    key: StepKey
    title: str
    done: bool
    detail: str


class ChecklistSources(Protocol):
    """What the checklist reads (the app's ``Services`` has each): scaffolding, the counts, training files and
    trained models."""

    @property
    def scaffolding(self) -> ScaffoldingService: ...

    def stats(self) -> Stats: ...

    @property
    def training_files(self) -> TrainingFileService: ...

    @property
    def training(self) -> TrainingService: ...


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def checklist(svc: ChecklistSources, stats: Stats | None = None) -> list[Step]:
    """The six steps in order; ``detail`` says what is there, or what to do when nothing is. ``stats``: the
    counts when the caller has just read them (else they are read here)."""
    scaffolding = svc.scaffolding
    counts = {kind: len(scaffolding.list(kind, active_only=True)) for kind in ("personas", "arcs", "topics")}
    expert = scaffolding.active_expert()
    stats = stats if stats is not None else svc.stats()
    enriched = stats.enrichment_status[Enrichment.COMPLETED]
    reviewed = sum(stats.review_status[s] for s in REVIEWED)
    approved = stats.review_status[Review.APPROVED]
    files = len(svc.training_files.list_files())
    models = len(svc.training.models())
    scaffolded = expert is not None and all(counts.values())
    return [
        Step(
            key="scaffold",
            title="Describe the expert and their clients",
            done=scaffolded,
            detail=(
                f"{expert.name if expert else 'No expert'}: {_plural(counts['personas'], 'client')}, "
                f"{_plural(counts['arcs'], 'emotional journey')}, {_plural(counts['topics'], 'topic')}"
                if scaffolded
                else "Describe the expert, then add clients, emotional journeys and topics."
            ),
        ),
        Step(
            key="generate",
            title="Generate conversations",
            done=stats.conversations > 0,
            detail=_plural(stats.conversations, "conversation") if stats.conversations else "Write the first one.",
        ),
        Step(
            key="enrich",
            title="Enrich them into training pairs",
            done=enriched > 0,
            detail=f"{enriched} of {stats.conversations} enriched" if stats.conversations else "Nothing to enrich yet.",
        ),
        Step(
            key="review",
            title="Review and approve",
            done=approved > 0,
            detail=f"{reviewed} reviewed, {approved} approved" if reviewed else "No verdicts yet.",
        ),
        Step(
            key="export",
            title="Export a training file",
            done=files > 0,
            detail=_plural(files, "training file") if files else "Build one from the approved conversations.",
        ),
        Step(
            key="train",
            title="Train a model",
            done=models > 0,
            detail=_plural(models, "trained model") if models else "Train a LoRA adapter from a training file.",
        ),
    ]
