"""``python -m core batch …``: create prints the job id, run returns when the job ends, control commands."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from core.bootstrap import build_services
from core.cli.main import app
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY

runner = CliRunner()
CREATE = [
    "batch",
    "create",
    "--personas",
    "anxious_planner",
    "--arcs",
    "anxiety_to_confidence",
    "--topics",
    "ignored_401k,long_term_care",
    "--variations",
    "2",
    "--concurrency",
    "2",
]


@pytest.fixture(autouse=True)
def _defaults() -> None:
    services = build_services(Settings())
    install_defaults(services.scaffolding)
    services.close()


def test_create_prints_the_estimate_then_only_the_job_id_on_stdout() -> None:
    result = runner.invoke(app, CREATE)
    assert result.exit_code == 0, result.output
    job_id = result.stdout.strip()
    assert len(job_id) == 36
    assert "1 persona × 1 arc × 2 topics × 2 variations = 4 conversations" in result.stderr


def test_run_works_the_job_to_the_end(fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.url)
    job_id = runner.invoke(app, CREATE).stdout.strip()
    result = runner.invoke(app, ["batch", "run", job_id[:8]])
    assert result.exit_code == 0, result.output
    assert "Status: completed" in result.stdout and "4 done (4 ok, 0 failed)" in result.stdout
    assert fake_claude.request_count == 1 + 4  # the key's pre-flight call, then the job


def test_pause_resume_and_cancel_change_the_status() -> None:
    job_id = runner.invoke(app, CREATE).stdout.strip()
    assert runner.invoke(app, ["batch", "pause", job_id]).exit_code == 0
    assert "Status: paused" in runner.invoke(app, ["batch", "status", job_id]).stdout
    assert runner.invoke(app, ["batch", "resume", job_id]).exit_code == 0
    assert runner.invoke(app, ["batch", "cancel", job_id]).exit_code == 0
    assert "4 cancelled" in runner.invoke(app, ["batch", "status", job_id]).stdout
    again = runner.invoke(app, ["batch", "cancel", job_id])
    assert again.exit_code == 1 and "already cancelled" in again.stderr
