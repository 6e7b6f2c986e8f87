"""Real LoRA training on the CPU: 2 steps of TRL on a tiny Llama, through the service, the runner and the child.

One run serves every test of this module (CPU is scarce). No downloads: the tiny model is built here.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.bootstrap import Services
from core.errors import ValidationError
from core.models.statuses import Phase, Training
from core.models.training_jobs import TrainedModel, TrainingJob
from core.settings import Settings
from core.storage.blobs import TRAINING_INPUTS, LocalBlobStore
from core.storage.database import Database
from tests.support.training_data import make_training_file
from tests.support.training_fixtures import TinyModels

OVERRIDES = {"max_steps": 2, "batch_size": 2, "learning_rate": 1e-3}


@dataclass
class Run:
    svc: Services
    job: TrainingJob
    model: TrainedModel
    base: Path


def services_in(root: Path) -> Services:
    db = Database(f"sqlite:///{root / 'db.sqlite3'}")
    db.upgrade()
    return Services(settings=Settings(data_dir=root / "data"), db=db, blobs=LocalBlobStore(root / "blobs"))


@pytest.fixture(scope="module")
def run(tiny_models: TinyModels, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    root = tmp_path_factory.mktemp("train-local")
    svc = services_in(root)
    make_training_file(svc, root / "in")
    base = tiny_models.path("llama")
    plan = svc.training.plan("Set A", "local", str(base), "quick", overrides=OVERRIDES)
    job = svc.training.start(plan)
    final = svc.training.run(job.id, poll_s=0.2)
    assert final.status == Training.COMPLETED, final.message
    yield Run(svc, final, svc.training.model(str(final.adapter_id)), base)
    svc.close()


def test_two_real_steps_with_finite_losses_and_the_base_model_recorded(run: Run, tmp_path: Path) -> None:
    job, model = run.job, run.model
    assert (job.step, job.total_steps, job.phase, job.preset) == (2, 2, Phase.READY, "custom")
    points = run.svc.training.points(job.id)
    losses = [p.loss for p in points if p.loss is not None]
    assert [p.step for p in points if p.loss is not None] == [1, 2]
    assert all(math.isfinite(v) for v in losses) and job.eval_loss is not None and math.isfinite(job.eval_loss)
    assert job.base_model == model.base_model == str(run.base)
    frozen = run.svc.blobs.get(TRAINING_INPUTS, job.train_path)
    assert job.training_file_sha256 == model.training_file_sha256 == hashlib.sha256(frozen).hexdigest()
    assert model.validation_conversation_ids == job.validation_conversation_ids != []
    written = run.svc.training.download(model.id, tmp_path / "adapter")
    assert {p.name for p in written} >= {"adapter_config.json", "adapter_model.safetensors"}
    config = json.loads((tmp_path / "adapter" / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == str(run.base) and config["r"] == 8


def test_only_the_assistants_tokens_carry_loss(run: Run) -> None:
    mask = run.job.estimate["seen"]["mask"]
    first = json.loads(run.svc.blobs.get(TRAINING_INPUTS, run.job.train_path).decode().splitlines()[0])
    answers = [m["content"] for m in first["messages"] if m["role"] == "assistant"]
    assert len(answers) == 2  # multi-turn: every answer trained
    assert mask["trained_text"] == "".join(a + "<|im_end|>" for a in answers)
    assert 0 < mask["trained_tokens"] < mask["tokens"]


def test_lora_weights_changed_and_the_adapter_reloads_on_its_base(run: Run, tmp_path: Path) -> None:
    import torch
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = tmp_path / "adapter"
    run.svc.training.download(run.model.id, folder)
    weights = load_file(folder / "adapter_model.safetensors")
    lora_b = [t for name, t in weights.items() if "lora_B" in name]
    assert lora_b and any(t.abs().sum() > 0 for t in lora_b)  # LoRA B starts at zero: training moved it
    tokenizer = AutoTokenizer.from_pretrained(run.base)
    ids = tokenizer("Should I roll over my old 401(k)?", return_tensors="pt")["input_ids"]
    base = AutoModelForCausalLM.from_pretrained(run.base)
    with torch.no_grad():
        before = base(ids).logits
        tuned = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(run.base), folder)
        after = tuned(ids).logits
    assert not torch.allclose(before, after)


def test_zip_and_delete_of_a_model(run: Run, tmp_path: Path) -> None:
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(run.svc.training.zip_bytes(run.model.id))).namelist()
    assert "adapter_config.json" in names and "adapter_model.safetensors" in names
    run.svc.training.delete_model(run.model.id)
    assert run.svc.training.models() == [] and run.svc.training.adapter_files(run.model) == []


def test_a_file_too_small_for_the_service_is_refused_saying_the_minimum(
    services: Services, tiny_models: TinyModels, tmp_path: Path
) -> None:
    make_training_file(services, tmp_path / "in", "Three")
    with pytest.raises(ValidationError) as small:
        services.training.plan("Three", "together", "Qwen/Qwen2.5-7B-Instruct", "quick")
    assert small.value.problems == ["It has 3 conversation(s); training there needs at least 10."]
