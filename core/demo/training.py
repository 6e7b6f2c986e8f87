"""The demo's finished training run and its model, clearly marked as demo data (``is_demo``).

It shows the Train and Models pages as they look after a run: a quick-try run on this computer (which costs
nothing, so no spend enters any total), its learning-progress points and the model it made. No adapter file
is stored: the Models page says so instead of offering a download.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from core.models.base import new_id, utcnow
from core.models.statuses import Phase, Training
from core.models.training import TrainingFile
from core.models.training_jobs import TrainedModel, TrainingJob, TrainingMetric
from core.training.presets import PRESETS

if TYPE_CHECKING:
    from core.export import TrainingFileService
    from core.storage.ports import Transactions
    from core.training.service import TrainingService

DEMO_RUN = "Demo training run"
DEMO_BASE_MODEL = "Qwen/Qwen2.5-0.5B-Instruct"
#: Loss after each of the run's 12 steps, and on the held-out conversations after each pass.
LOSSES = (2.31, 2.12, 1.98, 1.86, 1.77, 1.69, 1.62, 1.57, 1.52, 1.49, 1.46, 1.44)
HELD_OUT = {6: 1.83, 12: 1.71}


def record_training(
    training: TrainingService,
    training_files: TrainingFileService,
    transactions: Transactions,
    file: TrainingFile,
    *,
    created_by: str | None = None,
) -> bool:
    """Add the demo run once (per owner), its rows in one transaction. True when it was added."""
    repo = training.repo
    if repo.jobs.first({"name": DEMO_RUN, "created_by": created_by}) is not None:
        return False
    members = training_files.member_ids(file.id)
    held_out = members[-1:]
    finished = utcnow()
    job_id, model_id = new_id(), new_id()
    values = PRESETS["quick"].values.model_dump()
    common = {"created_by": created_by, "base_model": DEMO_BASE_MODEL, "backend": "local", "preset": "quick"}
    job = TrainingJob(
        id=job_id,
        name=DEMO_RUN,
        hyperparameters=values,
        status=Training.COMPLETED,
        phase=Phase.READY,
        training_file_id=file.id,
        training_file_name=file.name,
        train_conversation_ids=members[:-1],
        validation_conversation_ids=held_out,
        step=len(LOSSES),
        total_steps=len(LOSSES),
        loss=LOSSES[-1],
        eval_loss=HELD_OUT[len(LOSSES)],
        adapter_id=model_id,
        is_demo=True,
        created_at=finished - timedelta(minutes=14),
        started_at=finished - timedelta(minutes=13),
        finished_at=finished,
        message=None,
        **common,
    )
    points = [TrainingMetric(job_id=job_id, step=n, loss=v, created_by=created_by) for n, v in enumerate(LOSSES, 1)]
    points += [TrainingMetric(job_id=job_id, step=n, eval_loss=v, created_by=created_by) for n, v in HELD_OUT.items()]
    model = TrainedModel(
        id=model_id,
        name=DEMO_RUN,
        training_job_id=job_id,
        training_file_id=file.id,
        training_file_name=file.name,
        hyperparameters=values,
        adapter_path="",
        validation_conversation_ids=held_out,
        final_loss=LOSSES[-1],
        final_eval_loss=HELD_OUT[len(LOSSES)],
        steps=len(LOSSES),
        is_demo=True,
        **common,
    )
    with transactions.transaction() as conn:
        repo.jobs.add(job, conn=conn)
        repo.metrics.add_many(points, conn=conn)
        repo.models.add(model, conn=conn)
    return True
