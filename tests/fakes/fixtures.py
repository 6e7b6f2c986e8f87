"""Fixtures around the fake Claude server (loaded for every test by ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.bootstrap import Services, build_services
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from tests.fakes.anthropic_server import FakeAnthropicServer

FAKE_KEY = "sk-ant-test-not-a-real-key"


@pytest.fixture
def fake_claude() -> Iterator[FakeAnthropicServer]:
    """A fake Messages API on loopback; script behaviours with ``fake_claude.script(...)``."""
    with FakeAnthropicServer() as server:
        yield server


@pytest.fixture
def claude_settings(settings: Settings, fake_claude: FakeAnthropicServer) -> Settings:
    """Test settings pointing the real SDK at the fake server (one quick retry, short timeout)."""
    return Settings(
        data_dir=settings.data_dir,
        anthropic_api_key=FAKE_KEY,
        anthropic_base_url=fake_claude.url,
        max_retries=1,
        request_timeout_s=1.0,
    )


@pytest.fixture
def gen_services(claude_settings: Settings) -> Iterator[Services]:
    """Services wired to the fake server, with the default scaffolding installed."""
    built = build_services(claude_settings)
    install_defaults(built.scaffolding)
    yield built
    built.close()


@pytest.fixture
def fast_retries(gen_services: Services) -> Services:
    """``gen_services`` whose generation retries at once (no pause between attempts)."""
    gen_services.generation.retry_delay = lambda attempt, retry_after: 0.0
    return gen_services
