"""Training a LoRA from a training file: the job, its learning-progress points, and the model it made.

A training job trains on a *frozen* copy of a training file (its OpenAI-messages JSONL and a validation split,
stored under the job with the file's sha256), so changing the training file later never changes what a
finished model was trained on. The job runs on a backend (``local``: TRL on this machine, in a child process
of a worker; ``together``: Together's hosted fine-tuning API) and ends as a ``TrainedModel``: a LoRA adapter
stored in the ``adapters`` bucket (or folder), with where it came from.

Presets and their numbers live once in ``core.training.presets``; statuses in ``core.models.statuses``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from core.models.base import Record
from core.models.statuses import Phase, Training, TrainingJobStatus, TrainingPhase

#: Where trained adapters are stored (a Storage bucket, or a folder under the data folder).
ADAPTERS_BUCKET = "adapters"
#: Where a training job's frozen input is stored.
TRAINING_INPUTS_BUCKET = "training-inputs"

BackendName = Literal["local", "together"]
PresetName = Literal["quick", "standard", "thorough", "custom"]


class TrainingJob(Record):
    """One training run: its input, its settings, where it is, what it cost."""

    name: str = Field(min_length=1, max_length=255)
    backend: BackendName
    base_model: str = Field(min_length=1)
    preset: PresetName = "standard"
    #: The values the trainer gets (epochs, learning_rate, lora_rank, lora_alpha, batch_size, max_steps...).
    hyperparameters: dict[str, Any] = Field(default_factory=dict)
    status: TrainingJobStatus = Training.QUEUED
    phase: TrainingPhase = Phase.QUEUED
    # -- the frozen input ---------------------------------------------------------------------------------
    training_file_id: str
    training_file_name: str = ""
    training_file_sha256: str = ""
    #: The frozen copy: the training and the validation JSONL (paths in ``training-inputs``).
    train_path: str = ""
    validation_path: str = ""
    train_conversation_ids: list[str] = Field(default_factory=list)
    validation_conversation_ids: list[str] = Field(default_factory=list)
    # -- the estimate, the limit and the spend ------------------------------------------------------------
    estimate: dict[str, Any] = Field(default_factory=dict)
    budget_usd: float | None = Field(default=None, ge=0)
    #: The service's reported cost (hosted), counted once; 0 on this machine.
    cost_usd: float = 0.0
    # -- progress -----------------------------------------------------------------------------------------
    step: int = 0
    total_steps: int = 0
    epoch: float | None = None
    loss: float | None = None
    eval_loss: float | None = None
    #: What happened, in plain words (a warning while running, the reason when it failed or was cancelled).
    message: str | None = None
    cancel_requested: bool = False
    # -- the engine: who works on it, until when ----------------------------------------------------------
    attempts: int = 0
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    #: The training child process of a local job (its pid, on the worker's machine).
    child_pid: int | None = None
    #: The hosted service's ids: the uploaded file(s) and the fine-tuning job.
    external_file_id: str | None = None
    external_validation_file_id: str | None = None
    external_job_id: str | None = None
    #: The hosted service's name for the trained model (``output_name``).
    hosted_model_name: str | None = None
    adapter_id: str | None = None
    is_demo: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None


class TrainingMetric(Record):
    """One point of a job's learning progress (a logged training step, or an evaluation)."""

    job_id: str
    step: int = Field(ge=0)
    epoch: float | None = None
    loss: float | None = None
    eval_loss: float | None = None
    learning_rate: float | None = None


class TrainedModel(Record):
    """A LoRA adapter a training job made, and everything needed to know what it is."""

    name: str = Field(min_length=1, max_length=255)
    base_model: str = Field(min_length=1)
    backend: BackendName
    training_job_id: str
    training_file_id: str
    training_file_name: str = ""
    training_file_sha256: str = ""
    preset: PresetName = "standard"
    hyperparameters: dict[str, Any] = Field(default_factory=dict)
    #: Where the adapter is: a folder (``adapter_config.json`` + weights) at this path in ``adapter_bucket``.
    adapter_bucket: str = ADAPTERS_BUCKET
    adapter_path: str = ""
    adapter_size: int | None = None
    #: The held-out conversations (the validation split), for evaluating the model on unseen data.
    validation_conversation_ids: list[str] = Field(default_factory=list)
    #: The hosted service's model name (Together's ``output_name``), for hosted models.
    hosted_model_name: str | None = None
    final_loss: float | None = None
    final_eval_loss: float | None = None
    steps: int = 0
    is_demo: bool = False
