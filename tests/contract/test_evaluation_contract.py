"""The ``EvaluationRows`` port (``core.storage.evaluation_repo``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.models.evaluation import EvaluationJudgment, EvaluationRun, PreferencePick
from core.models.projects import Project
from core.models.statuses import Evaluation, Verdict
from core.models.training_jobs import TrainedModel, TrainingJob
from core.storage.database import Database
from core.storage.evaluation_repo import EvaluationRepo
from core.storage.ports import EvaluationRows

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def rows(db: Database) -> EvaluationRows:
    return EvaluationRepo(db)


def model(name: str, minutes: int, *, job_id: str = "job-1", is_demo: bool = False) -> TrainedModel:
    return TrainedModel(
        name=name,
        base_model="Qwen",
        backend="local",
        training_job_id=job_id,
        training_file_id="file-1",
        is_demo=is_demo,
        created_at=T0 + timedelta(minutes=minutes),
    )


def judgment(run_id: str, turn: int, minutes: int) -> EvaluationJudgment:
    return EvaluationJudgment(
        run_id=run_id,
        model_id="m",
        content_key=f"k{turn}",
        conversation_id="c1",
        turn_number=turn,
        base_answer="base",
        tuned_answer="tuned",
        outcome=Verdict.TUNED,
        created_at=T0 + timedelta(minutes=minutes),
    )


def test_models_newest_first_found_by_id_or_name_and_the_demos(db: Database, rows: EvaluationRows) -> None:
    old, new = model("First adapter", 1), model("Second adapter", 2, is_demo=True)
    db.trained_models.add_many([old, new])
    assert [m.name for m in rows.models()] == ["Second adapter", "First adapter"]
    assert rows.find_model(old.id) == rows.find_model("First adapter") == db.trained_models.get(old.id)
    assert rows.find_model("No such adapter") is None
    demo = rows.demo_model()
    assert demo is not None and demo.id == new.id


def test_the_validation_path_is_the_training_jobs_or_empty(db: Database, rows: EvaluationRows) -> None:
    job = db.training_jobs.add(
        TrainingJob(
            name="Run",
            base_model="Qwen",
            backend="local",
            training_file_id="file-1",
            validation_path="run/validation.jsonl",
        )
    )
    assert rows.validation_path(model("Tuned", 0, job_id=job.id)) == "run/validation.jsonl"
    assert rows.validation_path(model("Orphan", 0, job_id="a job deleted since")) == ""


def test_runs_newest_first_and_judgments_in_judged_order(rows: EvaluationRows) -> None:
    first = rows.runs.add(EvaluationRun(model_id="m", judge_model="j", status=Evaluation.COMPLETED, created_at=T0))
    later = rows.runs.add(
        EvaluationRun(model_id="m", judge_model="j", status=Evaluation.RUNNING, created_at=T0 + timedelta(hours=1))
    )
    rows.runs.add(EvaluationRun(model_id="other", judge_model="j", status=Evaluation.COMPLETED, created_at=T0))
    assert [r.id for r in rows.runs_of("m")] == [later.id, first.id]
    rows.judgments.add_many([judgment(first.id, 2, 0), judgment(first.id, 1, 0), judgment(first.id, 1, 5)])
    rows.judgments.add(judgment(later.id, 1, 0))
    found = rows.judgments_of(first.id)
    assert [(j.turn_number, j.created_at) for j in found] == [(1, T0), (2, T0), (1, T0 + timedelta(minutes=5))]


def test_picks_by_a_reviewer(rows: EvaluationRows) -> None:
    assert rows.has_picks_by("Ana") is False
    rows.picks.add(
        PreferencePick(
            first_answer="a",
            second_answer="b",
            first_source="base",
            second_source="tuned",
            pick="first",
            reviewer="Ana",
        )
    )
    assert rows.has_picks_by("Ana") is True and rows.has_picks_by("Ben") is False


def test_each_project_sees_only_its_own(db: Database) -> None:
    db.projects.add(Project(id="p-coach", slug="coach", name="Career coach"))
    coach = EvaluationRepo(db.in_project("p-coach"))
    db.trained_models.add(model("Shared name", 0, is_demo=True))
    coach.runs.add(EvaluationRun(model_id="m", judge_model="j", status=Evaluation.COMPLETED))
    assert coach.models() == [] and coach.find_model("Shared name") is None and coach.demo_model() is None
    assert EvaluationRepo(db).runs_of("m") == []
