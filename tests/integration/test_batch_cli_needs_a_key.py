"""Without a Claude key, ``batch create`` says the job will wait for one, and ``batch run`` says so before
anything runs (naming the setting), instead of failing every item."""

from __future__ import annotations

from typer.testing import CliRunner

from core.bootstrap import build_services
from core.cli.main import app
from core.scaffolding.defaults import install_defaults
from core.settings import Settings

runner = CliRunner()
CREATE = [
    "batch",
    "create",
    "--personas",
    "anxious_planner",
    "--arcs",
    "anxiety_to_confidence",
    "--topics",
    "ignored_401k",
]


def test_run_without_a_key_starts_nothing_and_says_where_to_add_one() -> None:
    services = build_services(Settings())
    install_defaults(services.scaffolding)
    created = runner.invoke(app, CREATE)
    job_id = created.stdout.strip()
    assert "No Claude key is set yet" in created.stderr and f"python -m core batch run {job_id}" in created.stderr
    result = runner.invoke(app, ["batch", "run", job_id])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "needs a working Claude key" in result.stderr and "ANTHROPIC_API_KEY" in result.stderr
    job = services.db.jobs.get(job_id)
    assert (job.status, job.failed_items) == ("queued", 0)
    assert {i.status for i in services.batch.items(job_id)} == {"queued"}
    services.close()


def test_a_worker_without_a_key_claims_nothing() -> None:
    services = build_services(Settings())
    install_defaults(services.scaffolding)
    job_id = runner.invoke(app, CREATE).stdout.strip()
    result = runner.invoke(app, ["worker", "--job", job_id])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "needs a working Claude key" in result.stderr and "ANTHROPIC_API_KEY" in result.stderr
    assert {i.status for i in services.batch.items(job_id)} == {"queued"}
    services.close()
