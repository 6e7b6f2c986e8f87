"""Training on Together through the real SDK, against a loopback fake of their API and its failure modes.

Every case ends as a clear job state with a plain message, and the cost is Together's reported figure, stored
once (never added per poll)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from core.bootstrap import Services
from core.errors import BrightRunError, ValidationError
from core.models.statuses import Phase, Training
from core.settings import Settings
from core.storage.blobs import ADAPTERS
from core.storage.training_repo import TrainingRepo
from core.training import together_key
from core.training.hosted import TogetherBackend
from core.training.service import TrainingService
from tests.fakes.together_server import FakeTogetherServer
from tests.support.training_data import make_training_file

KEY = "together-test-key-not-real-0123456789"
MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"


@pytest.fixture
def together() -> Iterator[FakeTogetherServer]:
    with FakeTogetherServer() as server:
        yield server


@pytest.fixture
def training(services: Services, together: FakeTogetherServer, tmp_path: Path) -> TrainingService:
    make_training_file(services, tmp_path / "in", copies=4)
    backend = TogetherBackend(KEY, base_url=together.url, max_retries=0)
    return TrainingService(
        TrainingRepo(services.db),
        services.blobs,
        services.training_files,
        services.settings,
        backends={"together": backend},
    )


def _run(training: TrainingService, **plan: object) -> str:
    job = training.start(training.plan("Set A", "together", MODEL, "quick", **plan))  # type: ignore[arg-type]
    return training.run(job.id, poll_s=0.01).id


def test_a_hosted_job_runs_to_ready_with_the_services_cost_counted_once(
    training: TrainingService, together: FakeTogetherServer
) -> None:
    job = training.get(_run(training))
    assert (job.status, job.phase, job.step, job.total_steps) == (Training.COMPLETED, Phase.READY, 3, 3)
    assert job.cost_usd == pytest.approx(0.75)  # 3 steps × $0.25 as Together reported it, after many polls
    assert [p.loss for p in training.points(job.id)] == [2.0, 1.0, 0.6667]
    model = training.model(str(job.adapter_id))
    assert model.hosted_model_name and model.backend == "together" and model.base_model == MODEL
    assert sorted(Path(p).name for p in training.blobs.list(ADAPTERS, f"{model.id}/")) == [
        "adapter_config.json",
        "adapter_model.safetensors",
    ]
    create = next(iter(together.jobs.values())).params
    assert create["training_type"]["type"] == "Lora" and create["n_epochs"] == 1
    assert create["training_type"]["lora_r"] == 8 and create["validation_file"]


def test_an_upload_refused_before_an_id_fails_the_job_and_starts_nothing(
    training: TrainingService, together: FakeTogetherServer
) -> None:
    together.fail_upload = True
    job = training.get(_run(training))
    assert job.status == Training.FAILED and job.external_file_id is None and job.cost_usd == 0
    assert job.message is not None and job.message.startswith("Uploading the training file to Together failed")
    assert together.calls("POST", "/v1/fine-tunes") == 0


def test_polls_answered_429_or_5xx_are_asked_again(training: TrainingService, together: FakeTogetherServer) -> None:
    together.poll_errors = [429, 500, 503]
    job = training.get(_run(training))
    assert job.status == Training.COMPLETED and job.cost_usd == pytest.approx(0.75)
    assert together.calls("GET", r"/v1/fine-tunes/ft-[\w-]+") >= 3 + 5


@pytest.mark.parametrize(("ending", "who"), [("error", "Together"), ("user_error", "the training data")])
def test_a_job_ending_in_error_is_failed_in_plain_words(
    training: TrainingService, together: FakeTogetherServer, ending: str, who: str
) -> None:
    together.end_in = ending
    job = training.get(_run(training))
    assert job.status == Training.FAILED and job.adapter_id is None
    assert job.message == (
        f"The training failed on Together (a problem with {who}). "
        "The job failed: the dataset's tokens could not be read."
    )
    assert job.cost_usd == pytest.approx(0.75)  # what Together charged, once


def test_a_download_that_breaks_off_fails_the_job_with_the_cost_kept(
    training: TrainingService, together: FakeTogetherServer
) -> None:
    together.cut_download = True
    job = training.get(_run(training))
    assert job.status == Training.FAILED and job.cost_usd == pytest.approx(0.75)
    assert "downloading the adapter broke off" in str(job.message)
    assert together.calls("GET", "/v1/finetune/download") == 3 and training.models() == []


def test_cancel_stops_the_hosted_job(training: TrainingService, together: FakeTogetherServer) -> None:
    together.total_steps = 10_000
    job = training.start(training.plan("Set A", "together", MODEL, "quick"))
    worker = threading.Thread(target=training.run, args=(job.id,), kwargs={"poll_s": 0.05}, daemon=True)
    worker.start()
    deadline = time.monotonic() + 20
    while training.get(job.id).phase != Phase.TRAINING and time.monotonic() < deadline:
        time.sleep(0.05)
    training.cancel(job.id)
    worker.join(timeout=10)
    ended = training.get(job.id)
    assert (ended.status, ended.phase) == (Training.CANCELLED, Phase.CANCELLED)
    assert together.calls("POST", r"/v1/fine-tunes/ft-[\w-]+/cancel") == 1


def test_a_job_over_its_spending_limit_is_refused_before_upload(
    training: TrainingService, together: FakeTogetherServer
) -> None:
    plan = training.plan("Set A", "together", MODEL, "thorough", budget_usd=0.0001)
    with pytest.raises(ValidationError, match="over the spending limit"):
        training.start(plan)
    assert together.requests == [] and training.jobs() == []


def test_without_a_key_the_job_fails_saying_where_to_add_it(services: Services, tmp_path: Path) -> None:
    make_training_file(services, tmp_path / "in", copies=4)
    job = services.training.start(services.training.plan("Set A", "together", MODEL, "quick"))
    ended = services.training.run(job.id, poll_s=0.01)
    assert ended.status == Training.FAILED and "needs a Together key" in str(ended.message)
    assert "Settings" in str(ended.message)


def test_the_together_key_is_tested_with_one_free_call_and_saved_unprinted(
    together: FakeTogetherServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.settings

    settings = Settings(data_dir=tmp_path / "data", together_base_url=together.url)
    assert together_key.try_key(settings, KEY) == 0
    assert together.requests == [("GET", "/v1/fine-tunes")]
    with pytest.raises(ValidationError):
        together_key.try_key(settings, "short")
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setattr(core.settings, "SECRETS_FILE", secrets)
    together_key.save_key(KEY)
    assert secrets.stat().st_mode & 0o777 == 0o600 and f'TOGETHER_API_KEY = "{KEY}"' in secrets.read_text()
    assert Settings(data_dir=tmp_path / "data").together_api_key == SecretStr(KEY)
    with pytest.raises(BrightRunError, match="No Together key"):
        together_key.try_key(Settings(data_dir=tmp_path / "d2", together_api_key=None))
