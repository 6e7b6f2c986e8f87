"""The ``EvaluationRows`` port (``core.storage.ports``) over the tables of m0016 and the trained models of m0015."""

from __future__ import annotations

from core.models.evaluation import EvaluationJudgment, EvaluationRun, PreferencePick
from core.models.training_jobs import TrainedModel
from core.storage.database import Database
from core.storage.repository import Repository


class EvaluationRepo:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.runs: Repository[EvaluationRun] = db.evaluation_runs
        self.judgments: Repository[EvaluationJudgment] = db.evaluation_judgments
        self.picks: Repository[PreferencePick] = db.preference_picks

    def models(self) -> list[TrainedModel]:
        return self._db.trained_models.list(order_by="created_at", descending=True)

    def find_model(self, model_ref: str) -> TrainedModel | None:
        models = self._db.trained_models
        return models.find(model_ref) or models.find_by(name=model_ref)

    def demo_model(self) -> TrainedModel | None:
        return self._db.trained_models.find_by(is_demo=True)

    def validation_path(self, model: TrainedModel) -> str:
        job = self._db.training_jobs.find(model.training_job_id)
        return job.validation_path if job is not None else ""

    def runs_of(self, model_id: str) -> list[EvaluationRun]:
        return self.runs.list(where={"model_id": model_id}, order_by="created_at", descending=True)

    def judgments_of(self, run_id: str) -> list[EvaluationJudgment]:
        return self.judgments.list(where={"run_id": run_id}, order_by=("created_at", "turn_number"))

    def has_picks_by(self, reviewer: str) -> bool:
        return self.picks.find_by(reviewer=reviewer) is not None
