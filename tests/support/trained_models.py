"""A trained model on record for Try it and the scorecard: a tiny local base model, a LoRA adapter with
nonzero weights (PEFT's random init: it changes the logits without training), and a training job whose
frozen validation split holds the held-out conversations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.bootstrap import Services
from core.models.training_jobs import TRAINING_INPUTS_BUCKET, TrainedModel, TrainingJob

HELD_OUT: list[list[dict[str, str]]] = [
    [
        {"role": "system", "content": "You are a calm, fee-only financial planner."},
        {"role": "user", "content": "I am scared I started saving too late."},
        {"role": "assistant", "content": "Many people feel that way; let us look at your numbers together."},
        {"role": "user", "content": "I have 20,000 saved and I am 45."},
        {"role": "assistant", "content": "That is a real start. Here is a first step."},
    ],
    [
        {"role": "system", "content": "You are a calm, fee-only financial planner."},
        {"role": "user", "content": "Should I convert my IRA to a Roth?"},
        {"role": "assistant", "content": "It depends on your tax bracket now and later; let us compare both."},
    ],
]


def make_adapter(base: Path, out: Path, *, seed: int = 3) -> Path:
    """A LoRA adapter for ``base`` with nonzero B weights, written to ``out``."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_pretrained(base, local_files_only=True)
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    get_peft_model(model, config).save_pretrained(out)
    return out


def register_model(
    services: Services,
    base: Path,
    adapter: Path,
    *,
    name: str = "Planner voice v1",
    held_out: list[list[dict[str, Any]]] | None = None,
) -> TrainedModel:
    """Record a finished local training job and its model, with the held-out split stored as the job froze it."""
    conversations = HELD_OUT if held_out is None else held_out
    ids = [f"held-{i + 1}" for i in range(len(conversations))]
    job = TrainingJob(
        name=name,
        backend="local",
        base_model=str(base),
        training_file_id="tf-1",
        training_file_name="First set",
        validation_conversation_ids=ids,
    )
    path = f"{job.id}/validation.jsonl"
    services.blobs.put(
        TRAINING_INPUTS_BUCKET,
        path,
        "".join(json.dumps({"messages": m}) + "\n" for m in conversations).encode(),
        content_type="application/jsonl",
    )
    services.db.training_jobs.add(job.model_copy(update={"validation_path": path}))
    model = TrainedModel(
        name=name,
        base_model=str(base),
        backend="local",
        training_job_id=job.id,
        training_file_id="tf-1",
        training_file_name="First set",
        adapter_path=str(adapter),
        validation_conversation_ids=ids,
    )
    return services.db.trained_models.add(model)
