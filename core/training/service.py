"""Training, as the pages and the CLI use it: plan (checks and estimate), start, run, follow, cancel; models.

``plan`` reads the training file's conversations, checks them, splits off a validation set and estimates,
without writing anything. ``start`` refuses a plan over its spending limit, then freezes the input under the new
job (bucket ``training-inputs``) and queues it. A worker (``run``, or a detached ``launch``) trains it on its
backend. Models are the adapters finished jobs made.
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from core.errors import NotFoundError, ValidationError
from core.export.selection import Selection, iter_items, iter_rows
from core.export.training_files import TrainingFileService
from core.models.statuses import TRAINING_UNFINISHED, Phase, Training
from core.models.training import TrainingFile
from core.models.training_jobs import PresetName, TrainedModel, TrainingJob, TrainingMetric
from core.settings import PROJECT_ROOT, Settings
from core.storage.ports import TrainingRows
from core.storage.ports.blobs import TRAINING_INPUTS, BlobStore
from core.training import inputs, presets
from core.training.backend import TrainingBackend
from core.training.estimate import Estimate, LocalModelFacts, build_estimate, local_model_facts
from core.training.local import LocalBackend, kill_if_alive, local_training_available
from core.training.runner import CRASHED, TrainingRunner

WORK_FOLDER = "training-runs"  # under the data folder: one folder per local job (progress, child log, output)
BACKENDS = ("local", "together")


class TrainingPlan(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    file: TrainingFile
    backend: str
    base_model: str
    preset: PresetName
    values: presets.Hyperparameters
    estimate: Estimate
    budget_usd: float | None = None
    prepared: Any = None

    @property
    def over_budget(self) -> bool:
        return self.budget_usd is not None and self.estimate.cost_usd > self.budget_usd


class TrainingService:
    def __init__(
        self,
        repo: TrainingRows,
        blobs: BlobStore,
        training_files: TrainingFileService,
        settings: Settings,
        *,
        backends: dict[str, TrainingBackend] | None = None,
    ) -> None:
        self.repo, self.blobs, self.training_files, self.settings = repo, blobs, training_files, settings
        self._backends = backends or {}
        self._lock = threading.Lock()

    # -- backends ----------------------------------------------------------------------------------------
    @property
    def work_root(self) -> Path:
        return self.settings.data_dir / WORK_FOLDER

    def backend(self, name: str) -> TrainingBackend:
        with self._lock:
            if name not in self._backends:
                if name == "local":
                    self._backends[name] = LocalBackend(self.work_root)
                elif name == "together":
                    from core.training.hosted import TogetherBackend

                    self._backends[name] = TogetherBackend.from_settings(self.settings)
                else:
                    raise ValidationError(f"There is no place to train called '{name}'.", hint="Use local or together.")
            return self._backends[name]

    def forget_backend(self, name: str) -> None:
        """Drop a backend (a new key was saved): the next use builds it again."""
        with self._lock:
            self._backends.pop(name, None)

    def available_backends(self) -> list[str]:
        """Where this app can train: here only with the ``[train]`` extra installed."""
        return [name for name in BACKENDS if name != "local" or local_training_available()]

    # -- plan and start ----------------------------------------------------------------------------------
    def examples(self, file: TrainingFile) -> list[inputs.Example]:
        ids = self.training_files.member_ids(file.id)
        selection = Selection(statuses=None, conversation_ids=tuple(ids), include_truncated=True)
        store = self.training_files.store
        return inputs.examples_from(iter_items(store, iter_rows(store, selection)))

    def plan(
        self,
        file_key: str,
        backend: str,
        base_model: str,
        preset: str = "standard",
        overrides: dict[str, Any] | None = None,
        budget_usd: float | None = None,
    ) -> TrainingPlan:
        if backend not in BACKENDS:
            raise ValidationError(f"There is no place to train called '{backend}'.", hint="Use local or together.")
        if not base_model.strip():
            raise ValidationError("Choose a base model.", hint="Pick one from the list, or give your own.")
        if budget_usd is not None and budget_usd < 0:
            raise ValidationError("A spending limit cannot be negative.")
        file = self.training_files.get(file_key)
        values = presets.hyperparameters(preset, overrides)
        examples = self.examples(file)
        inputs.check(examples, backend)
        facts = local_model_facts(base_model.strip()) if local_training_available() else LocalModelFacts()
        if facts.count is not None and facts.context_length:
            inputs.check_lengths(examples, facts.count, facts.context_length)
        prepared = inputs.split(examples)
        estimate = build_estimate(backend, base_model.strip(), prepared, values, facts=facts, gpu=_gpu())
        if facts.count is None and estimate.context_length:
            inputs.check_lengths(examples, _approx, estimate.context_length)
        return TrainingPlan(
            file=file,
            backend=backend,
            base_model=base_model.strip(),
            preset=presets.preset_name(preset, overrides),
            values=values,
            estimate=estimate,
            budget_usd=budget_usd,
            prepared=prepared,
        )

    def start(self, plan: TrainingPlan, *, name: str | None = None, is_demo: bool = False) -> TrainingJob:
        """Queue the planned job with its frozen input. Refused over its spending limit, before any upload."""
        if plan.over_budget:
            raise ValidationError(
                f"The estimate (${plan.estimate.cost_usd:.2f}) is over the spending limit (${plan.budget_usd:.2f}).",
                hint="Raise the limit, pick a smaller preset or base model, or train on this computer.",
                terminal_hint="Raise --budget, or use --preset quick.",
            )
        prepared: inputs.PreparedInput = plan.prepared
        job = TrainingJob(
            name=name or f"{plan.file.name} · {presets.title(plan.preset)}",
            backend=plan.backend,  # type: ignore[arg-type]
            base_model=plan.base_model,
            preset=plan.preset,
            hyperparameters=plan.values.model_dump(),
            training_file_id=plan.file.id,
            training_file_name=plan.file.name,
            training_file_sha256=prepared.sha256("train"),
            train_conversation_ids=[e.conversation_id for e in prepared.train],
            validation_conversation_ids=[e.conversation_id for e in prepared.validation],
            estimate=plan.estimate.model_dump() | {"validation_sha256": prepared.sha256("validation")},
            budget_usd=plan.budget_usd,
            total_steps=plan.estimate.total_steps,
            created_by=self.repo.acting_user,
            is_demo=is_demo,
        )
        job.train_path = self.blobs.put(TRAINING_INPUTS, f"{job.id}/train.jsonl", prepared.jsonl("train"))
        if prepared.validation:
            job.validation_path = self.blobs.put(
                TRAINING_INPUTS, f"{job.id}/validation.jsonl", prepared.jsonl("validation")
            )
        return self.repo.jobs.add(job)

    # -- run and follow ----------------------------------------------------------------------------------
    def runner(self, *, lease_s: float = 30.0, poll_s: float = 1.0) -> TrainingRunner:
        # A worker finds its job by id in any project; each row it writes carries the job's own project.
        every_project = self.repo.every_project()
        return TrainingRunner(every_project, self.blobs, self.backend, lease_s=lease_s, poll_s=poll_s)

    def run(
        self, job_id: str, *, stop: threading.Event | None = None, lease_s: float = 30.0, poll_s: float = 1.0
    ) -> TrainingJob:
        return self.runner(lease_s=lease_s, poll_s=poll_s).run(job_id, stop)

    def launch(self, job_id: str, *, log_dir: Path | None = None, lease_s: float = 30.0) -> int:
        """Train the job in a detached worker process (closing the page or the terminal does not stop it)."""
        folder = log_dir or self.work_root
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"worker-{job_id[:8]}.log").open("ab") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "core", "train", "worker", job_id, "--lease-seconds", str(lease_s)],
                cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return process.pid

    def get(self, job_id: str) -> TrainingJob:
        self.settle()
        job = self.repo.jobs.find(job_id) or self.repo.jobs.first({"name": job_id})
        if job is None:
            raise NotFoundError(
                f"No training job '{job_id}'.", terminal_hint="List them with: python -m core train list"
            )
        return job

    def jobs(self) -> list[TrainingJob]:
        self.settle()
        return self.repo.jobs.list(order_by="created_at", descending=True)

    def points(self, job_id: str) -> list[TrainingMetric]:
        return self.repo.points(job_id)

    def settle(self) -> int:
        """Local jobs whose worker died (their lease ran out) end as failed, never left running."""
        settled = 0
        for job in self.repo.abandoned():
            if job.backend != "local":
                continue
            if job.child_pid:
                kill_if_alive(job.child_pid, job.id)
            settled += self.repo.finish(job.id, None, status=Training.FAILED, phase=Phase.FAILED, message=CRASHED)
        return settled

    def cancel(self, job_id: str) -> TrainingJob:
        job = self.get(job_id)
        if job.status not in TRAINING_UNFINISHED:
            return job
        self.repo.jobs.update(job.id, cancel_requested=True)
        if job.status == Training.QUEUED and job.lease_owner is None:
            self.repo.finish(job.id, None, status=Training.CANCELLED, phase=Phase.CANCELLED, message="Cancelled.")
        return self.repo.jobs.get(job.id)

    # -- models ------------------------------------------------------------------------------------------
    def models(self) -> list[TrainedModel]:
        return self.repo.models.list(order_by="created_at", descending=True)

    def model(self, key: str) -> TrainedModel:
        found = self.repo.models.find(key) or self.repo.models.first({"name": key})
        if found is None:
            raise NotFoundError(
                f"No trained model '{key}'.", terminal_hint="List them with: python -m core models list"
            )
        return found

    def adapter_files(self, model: TrainedModel) -> list[str]:
        return self.blobs.list(model.adapter_bucket, f"{model.adapter_path}/")

    def download(self, key: str, out: Path) -> list[Path]:
        """Write the adapter's files (``adapter_config.json``, weights) into the folder ``out``."""
        model = self.model(key)
        files = self.adapter_files(model)
        if not files:
            raise NotFoundError(f"The adapter of '{model.name}' has no files stored.")
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in files:
            target = out / Path(name).name
            target.write_bytes(self.blobs.get(model.adapter_bucket, name))
            written.append(target)
        return written

    def zip_bytes(self, key: str) -> bytes:
        model = self.model(key)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in self.adapter_files(model):
                archive.writestr(Path(name).name, self.blobs.get(model.adapter_bucket, name))
        return buffer.getvalue()

    def delete_model(self, key: str) -> TrainedModel:
        model = self.model(key)
        for name in self.adapter_files(model):
            self.blobs.delete(model.adapter_bucket, name)
        self.repo.models.delete(model.id)
        return model


def _approx(messages: list[dict[str, Any]]) -> int:
    from core.training.estimate import approximate_tokens

    return approximate_tokens(messages)


def _gpu() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())
