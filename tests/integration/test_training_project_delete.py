"""Deleting a project takes its training runs' frozen inputs and its adapters along, and nothing else."""

from __future__ import annotations

from core.bootstrap import Services
from core.models.training_jobs import TrainedModel, TrainingJob
from core.storage.blobs import ADAPTERS, TRAINING_INPUTS


def _run(svc: Services, name: str) -> tuple[TrainingJob, TrainedModel]:
    job = svc.db.training_jobs.add(
        TrainingJob(name=name, backend="local", base_model="tiny", training_file_id="f", train_path="x")
    )
    model = svc.db.trained_models.add(
        TrainedModel(name=name, base_model="tiny", backend="local", training_job_id=job.id, training_file_id="f")
    )
    svc.db.trained_models.update(model.id, adapter_path=model.id)
    svc.blobs.put(TRAINING_INPUTS, f"{job.id}/train.jsonl", b"{}\n")
    svc.blobs.put(ADAPTERS, f"{model.id}/adapter_config.json", b"{}")
    return job, model


def test_deleting_a_project_removes_its_training_files_and_keeps_the_others(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coach").slug)
    kept_job, kept_model = _run(services, "Mine")
    _run(coach, "Theirs")
    deleted = services.projects.delete("career-coach", confirm_name="Career coach")
    assert deleted["training_jobs"] == 1 and deleted["trained_models"] == 1
    assert services.blobs.list(TRAINING_INPUTS) == [f"{kept_job.id}/train.jsonl"]
    assert services.blobs.list(ADAPTERS) == [f"{kept_model.id}/adapter_config.json"]
    assert [m.id for m in services.db.trained_models.list()] == [kept_model.id]
