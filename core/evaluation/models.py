"""Which trained model, its held-out conversations, and the two responders (base and tuned) that answer for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.errors import ModelUnavailableError, NotFoundError
from core.evaluation.hosted import HostedResponder, together_key
from core.evaluation.local import LocalModels
from core.evaluation.responder import Responder
from core.evaluation.scorecard import HeldOut
from core.models.training_jobs import TRAINING_INPUTS_BUCKET, TrainedModel
from core.storage.ports import EvaluationRows
from core.storage.ports.blobs import BlobStore

#: One set of local models per process: a base model is loaded once and kept (pages share it across reruns).
LOCAL_MODELS = LocalModels()
MODEL_CACHE = "model-cache"


def find_model(rows: EvaluationRows, model_ref: str) -> TrainedModel:
    """A trained model by its id or its name."""
    found = rows.find_model(model_ref)
    if found is None:
        raise NotFoundError(
            f"No trained model called “{model_ref}”.",
            hint="Pick one of the models on the Models page.",
            terminal_hint="List them with: python -m core models list",
        )
    return found


def held_out(rows: EvaluationRows, blobs: BlobStore, model: TrainedModel) -> list[HeldOut]:
    """The model's held-out conversations: the frozen validation split of its training file."""
    path = rows.validation_path(model)
    ids = list(model.validation_conversation_ids)
    conversations: list[HeldOut] = []
    if path and blobs.exists(TRAINING_INPUTS_BUCKET, path):
        lines = [line for line in blobs.get(TRAINING_INPUTS_BUCKET, path).decode("utf-8").splitlines() if line.strip()]
        for index, line in enumerate(lines):
            record: Any = json.loads(line)
            messages = record.get("messages") if isinstance(record, dict) else None
            if isinstance(messages, list) and messages:
                name = ids[index] if len(ids) == len(lines) else f"held-out-{index + 1}"
                conversations.append(HeldOut(name, [dict(m) for m in messages]))
    return conversations


def adapter_folder(blobs: BlobStore, data_dir: Path, model: TrainedModel) -> Path:
    """The adapter's files in a local folder (copied from storage once)."""
    direct = Path(model.adapter_path)
    if model.adapter_path and direct.is_absolute() and (direct / "adapter_config.json").exists():
        return direct
    folder = data_dir / MODEL_CACHE / model.id
    if (folder / "adapter_config.json").exists():
        return folder
    prefix = model.adapter_path.rstrip("/")
    names = blobs.list(model.adapter_bucket, prefix) if prefix else []
    if not names:
        raise ModelUnavailableError(
            f"The adapter of “{model.name}” is not in storage any more.",
            hint="Train the model again, or pick another one.",
        )
    for name in names:
        relative = name[len(prefix) :].lstrip("/") if name.startswith(prefix) else Path(name).name
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blobs.get(model.adapter_bucket, name))
    return folder


def responders(blobs: BlobStore, settings: Any, model: TrainedModel) -> tuple[Responder, Responder]:
    """The base model's and the tuned model's responders (local: one base in memory; hosted: the service)."""
    if model.backend == "together":
        key = together_key(settings)
        if not model.hosted_model_name:
            raise ModelUnavailableError(f"The hosted model “{model.name}” has no name at the service yet.")
        url = getattr(settings, "together_base_url", None)
        return (
            HostedResponder("base", model.base_model, key, base_url=url),
            HostedResponder("tuned", model.hosted_model_name, key, base_url=url),
        )
    LOCAL_MODELS.base(model.base_model)  # first: a base model not on this machine is the message people see
    folder = adapter_folder(blobs, Path(settings.data_dir), model)
    return LOCAL_MODELS.responders(model.base_model, model.id, folder)
