"""Real worker processes for batch tests: ``python -m core worker`` (or ``batch run``) against the fake
Claude server, on the embedded backend (SQLite + files) or the suite's real PostgreSQL (+ local files)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.bootstrap import Services, build_services
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from core.storage.database import Database
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY
from tests.support.paths import REPO_ROOT


@dataclass
class Backend:
    """Where the test and its worker processes keep their data."""

    name: str
    settings: Settings
    env: dict[str, str]

    def services(self, **overrides: object) -> Services:
        """Services on this backend (default scaffolding installed); ``overrides`` change settings, e.g. the
        fake server's key and URL."""
        settings = self.settings
        if overrides:
            settings = Settings(**(settings.model_dump(exclude=set(overrides)) | overrides))
        built = build_services(settings, migrate=True)
        install_defaults(built.scaffolding)
        return built


def backend_for(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """``sqlite``: a fresh data folder; ``postgres``: the suite's PostgreSQL, emptied, with files in the folder."""
    data_dir = tmp_path / "data"
    if name == "sqlite":
        return Backend("sqlite", Settings(data_dir=data_dir), {"BRIGHTRUN_DATA_DIR": str(data_dir)})
    from tests.conftest import _truncate_all

    url = request.getfixturevalue("postgres_url")
    db = Database(url)
    _truncate_all(db)
    db.dispose()
    settings = Settings(data_dir=data_dir, supabase_db_url=url)
    return Backend("postgres", settings, {"BRIGHTRUN_DATA_DIR": str(data_dir), "SUPABASE_DB_URL": url})


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    yield backend_for(request.param, request, tmp_path)


def core_process(
    backend: Backend, server: FakeAnthropicServer, args: list[str], log: Path, **popen: object
) -> subprocess.Popen[bytes]:
    """``python -m core ARGS`` with the backend's environment and the fake server's URL and key."""
    env = os.environ | backend.env | {"ANTHROPIC_API_KEY": FAKE_KEY, "ANTHROPIC_BASE_URL": server.url}
    command = [sys.executable, "-m", "core", *args]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, **popen)  # type: ignore[call-overload]


def wait_for(predicate: Callable[[], object], timeout_s: float, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
