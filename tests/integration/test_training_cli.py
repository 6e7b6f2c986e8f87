"""``python -m core train`` and ``models``: the issue's names and flags, on a real 2-step run of a tiny Qwen2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from core.bootstrap import build_services
from core.cli.main import app
from core.models.statuses import Training
from tests.support.training_data import make_training_file
from tests.support.training_fixtures import TinyModels

runner = CliRunner()


def test_train_start_wait_status_list_and_models_download(tiny_models: TinyModels, tmp_path: Path) -> None:
    services = build_services()
    make_training_file(services, tmp_path / "in")
    services.close()
    base = str(tiny_models.path("qwen2"))
    common = ["train", "start", "Set A", "--backend", "local", "--base-model", base, "--preset", "quick"]

    estimate = runner.invoke(app, [*common, "--estimate-only", "--json"])
    assert estimate.exit_code == 0, estimate.output
    assert json.loads(estimate.stdout)["estimate"]["tokens_exact"] is True
    assert build_services().training.jobs() == []  # --estimate-only starts nothing

    started = runner.invoke(app, [*common, "--max-steps", "2", "--wait", "--json"])
    assert started.exit_code == 0, started.output
    final = json.loads(started.stdout)
    assert (final["status"], final["step"], final["total_steps"]) == (Training.COMPLETED, 2, 2)

    status = json.loads(runner.invoke(app, ["train", "status", final["id"], "--json"]).stdout)
    assert {"id", "status", "step", "total_steps", "loss", "cost_usd", "adapter_id"} <= set(status)
    assert status["adapter_id"] and status["cost_usd"] == 0.0 and status["loss"] > 0
    assert [j["id"] for j in json.loads(runner.invoke(app, ["train", "list", "--json"]).stdout)] == [final["id"]]

    models = json.loads(runner.invoke(app, ["models", "list", "--json"]).stdout)
    assert [(m["id"], m["base_model"], m["training_file"], m["backend"]) for m in models] == [
        (status["adapter_id"], base, "Set A", "local")
    ]
    assert {"name", "created_at"} <= set(models[0])
    out = tmp_path / "adapter"
    downloaded = runner.invoke(app, ["models", "download", status["adapter_id"], "--out", str(out)])
    assert downloaded.exit_code == 0, downloaded.output
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == base and (out / "adapter_model.safetensors").stat().st_size > 0


def test_train_errors_are_plain_and_exit_non_zero(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["train", "start", "Nope", "--backend", "local", "--base-model", "x"])
    assert missing.exit_code == 1 and "No training file 'Nope'" in missing.output and "Traceback" not in missing.output
    unknown = runner.invoke(app, ["train", "status", "no-such-job"])
    assert unknown.exit_code == 1 and "No training job" in unknown.output
