"""``python -m core try`` and ``python -m core evaluate`` on a tiny local model and the fake Messages API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("peft")

from typer.testing import CliRunner

from core.bootstrap import build_services
from core.cli.main import app
from core.demo import load_demo
from core.models.training_jobs import TrainedModel
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY
from tests.support.tiny_models import build_tiny_model
from tests.support.trained_models import make_adapter, register_model

runner = CliRunner()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = build_tiny_model("llama", tmp_path_factory.mktemp("tiny") / "base")
    return base, make_adapter(base, tmp_path_factory.mktemp("adapter") / "a1")


@pytest.fixture
def model(tiny: tuple[Path, Path]) -> Iterator[TrainedModel]:
    services = build_services()
    load_demo(services.importer)
    yield register_model(services, *tiny)
    services.close()


def test_try_json_gives_both_answers(model: TrainedModel) -> None:
    result = runner.invoke(
        app,
        [
            "try",
            model.id,
            "--message",
            "I am worried about money.",
            "--persona",
            "anxious_planner",
            "--max-tokens",
            "5",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)
    assert set(answers) == {"base", "tuned"} and all(isinstance(v, str) for v in answers.values())
    by_name = runner.invoke(app, ["try", model.name, "--message", "Hello", "--max-tokens", "3"])
    assert by_name.exit_code == 0 and "Base model:" in by_name.output and "Tuned model:" in by_name.output


def test_try_refuses_unknown_models_and_keys_in_plain_words(model: TrainedModel) -> None:
    unknown = runner.invoke(app, ["try", "nope", "--message", "Hi"])
    assert unknown.exit_code == 1 and "No trained model" in unknown.output and "Traceback" not in unknown.output
    bad_key = runner.invoke(app, ["try", model.id, "--message", "Hi", "--persona", "no_such_client"])
    assert bad_key.exit_code == 1 and "no_such_client" in bad_key.output


def test_evaluate_estimate_only_spends_nothing(model: TrainedModel, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeAnthropicServer() as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        result = runner.invoke(app, ["evaluate", model.id, "--estimate-only", "--json"])
        assert result.exit_code == 0, result.output
        plan = json.loads(result.stdout)
        assert plan["conversations"] == 2 and plan["turns"] == 3 and plan["estimate_usd"] > 0
        limited = json.loads(
            runner.invoke(app, ["evaluate", model.id, "--estimate-only", "--limit", "1", "--json"]).output
        )
        assert limited["conversations"] == 1
        assert fake.request_count == 0


def test_evaluate_runs_and_prints_the_scorecard(model: TrainedModel, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeAnthropicServer() as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        result = runner.invoke(
            app,
            ["evaluate", model.id, "--limit", "1", "--judge-model", "claude-haiku-4-5", "--max-tokens", "4", "--json"],
        )
        assert result.exit_code == 0, result.output
        card = json.loads(result.stdout)
        for key in ("wins", "ties", "losses", "win_rate", "ci_low", "ci_high", "cost_usd"):
            assert key in card
        assert card["wins"] + card["ties"] + card["losses"] + card["failures"] == 2
        assert card["cost_usd"] > 0 and fake.request_count == 4
        assert {r.body["model"] for r in fake.message_requests()} == {"claude-haiku-4-5"}
