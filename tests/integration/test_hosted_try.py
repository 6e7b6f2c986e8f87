"""Try it on a hosted model: base and tuned answer through Together's chat completions (the loopback fake,
through the real SDK), behind the same Responder protocol as local models; a failure is a plain message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from core.bootstrap import Services, build_services
from core.errors import ModelUnavailableError
from core.models.training_jobs import TrainedModel
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from tests.fakes.together_server import FakeTogetherServer

KEY = "together-test-key-0123456789abcdef"


@pytest.fixture
def together() -> Iterator[FakeTogetherServer]:
    with FakeTogetherServer() as server:
        yield server


def _services(tmp_path: Path, together: FakeTogetherServer, key: str | None = KEY) -> Services:
    settings = Settings(
        data_dir=tmp_path / "data",
        together_api_key=SecretStr(key) if key else None,
        together_base_url=together.url,
    )
    services = build_services(settings)
    install_defaults(services.scaffolding)
    return services


def _hosted(services: Services) -> TrainedModel:
    return services.db.trained_models.add(
        TrainedModel(
            name="Planner on Together",
            base_model="Qwen/Qwen2.5-7B-Instruct",
            backend="together",
            training_job_id="job-1",
            training_file_id="tf-1",
            hosted_model_name="acct/qwen-planner-v1",
        )
    )


def test_both_hosted_models_answer(tmp_path: Path, together: FakeTogetherServer) -> None:
    services = _services(tmp_path, together)
    model = _hosted(services)
    answer = services.evaluation.try_message(model.id, "I feel behind on retirement.")
    assert answer.base.startswith("[Qwen/Qwen2.5-7B-Instruct] I hear you: I feel behind")
    assert answer.tuned.startswith("[acct/qwen-planner-v1] I hear you: I feel behind")
    assert sum(1 for method, path in together.requests if path.endswith("/chat/completions")) == 2
    services.close()


def test_a_hosted_model_that_cannot_answer_is_a_plain_message(tmp_path: Path, together: FakeTogetherServer) -> None:
    services = _services(tmp_path, together)
    model = _hosted(services)
    together.down = True
    with pytest.raises(ModelUnavailableError, match="did not answer"):
        services.evaluation.try_message(model.id, "Hello")
    services.close()
    keyless = _services(tmp_path / "other", together, key=None)
    with pytest.raises(ModelUnavailableError, match="no key"):
        keyless.evaluation.try_message(_hosted(keyless).id, "Hello")
    keyless.close()
