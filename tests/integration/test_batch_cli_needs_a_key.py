"""Without a Claude key, ``batch create`` says the job will wait for one, and ``batch run`` says so before
anything runs (naming the setting), instead of failing every item. With a key Claude rejects, both refuse
after the page's pre-flight (one tiny real call, trusted a few minutes) and start nothing (issue 24 item 12)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import core.claude_key
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


def _point_at(fake: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
    monkeypatch.setattr(core.claude_key, "_checked", {})


def test_create_with_a_key_claude_rejects_creates_nothing(
    fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = build_services(Settings())
    install_defaults(services.scaffolding)
    _point_at(fake_claude, monkeypatch)
    fake_claude.script("auth_error")
    result = runner.invoke(app, CREATE)
    assert result.exit_code == 1 and "Traceback" not in result.output and not result.stdout.strip()
    assert "did not work, so nothing was started" in result.stderr and "ANTHROPIC_API_KEY" in result.stderr
    assert services.db.jobs.count() == 0 and fake_claude.request_count == 1
    services.close()


def test_run_with_a_key_claude_rejects_starts_nothing(
    fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = build_services(Settings())
    install_defaults(services.scaffolding)
    job_id = runner.invoke(app, CREATE).stdout.strip()  # no key yet: the job waits for one
    _point_at(fake_claude, monkeypatch)
    fake_claude.script("auth_error")
    result = runner.invoke(app, ["batch", "run", job_id])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "did not work, so nothing was started" in result.stderr
    assert fake_claude.request_count == 1  # the pre-flight call only
    assert {i.status for i in services.batch.items(job_id)} == {"queued"}
    services.close()


def test_a_working_key_is_checked_once_for_create_and_run_then_trusted_a_few_minutes(
    fake_claude: FakeAnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = build_services(Settings())
    install_defaults(services.scaffolding)
    _point_at(fake_claude, monkeypatch)
    job_id = runner.invoke(app, CREATE).stdout.strip()
    assert fake_claude.request_count == 1
    monkeypatch.setattr(core.claude_key, "_checked", {})  # as a new process would start: the check is on disk
    result = runner.invoke(app, ["batch", "run", job_id])
    assert result.exit_code == 0, result.output
    assert fake_claude.request_count == 2  # the pre-flight call, then the job's one conversation
    services.close()
