"""The evaluation port: trained models as evaluation sees them, held-out scorecards, judged answers, A/B picks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.models.evaluation import EvaluationJudgment, EvaluationRun, PreferencePick
    from core.models.training_jobs import TrainedModel
    from core.storage.ports.base import Rows


class EvaluationRows(Protocol):
    """Scorecards (runs), their judged answers and reviewers' picks, of one project, and the trained models they
    measure. ``runs``, ``judgments`` and ``picks`` are the rows themselves (the scorecard and the A/B queue
    write them); the rest are the questions evaluation asks."""

    @property
    def runs(self) -> Rows[EvaluationRun]: ...

    @property
    def judgments(self) -> Rows[EvaluationJudgment]: ...

    @property
    def picks(self) -> Rows[PreferencePick]: ...

    def models(self) -> list[TrainedModel]:
        """Every trained model, newest first."""
        ...

    def find_model(self, model_ref: str) -> TrainedModel | None:
        """A trained model by its id, else by its name."""
        ...

    def demo_model(self) -> TrainedModel | None:
        """The demo's trained model, if the demo has one."""
        ...

    def validation_path(self, model: TrainedModel) -> str:
        """Where the frozen validation split of the model's training job is (``""``: the job is gone or had none)."""
        ...

    def runs_of(self, model_id: str) -> list[EvaluationRun]:
        """The model's scorecards, newest first."""
        ...

    def judgments_of(self, run_id: str) -> list[EvaluationJudgment]:
        """A scorecard's judged answers in the order they were judged (then by turn)."""
        ...

    def has_picks_by(self, reviewer: str) -> bool:
        """Whether ``reviewer`` made any A/B pick."""
        ...
