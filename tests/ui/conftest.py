"""Fixtures the page tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.bootstrap import Services, build_services
from core.scaffolding.defaults import install_defaults
from core.settings import Settings


@pytest.fixture
def svc() -> Iterator[Services]:
    """The services the page builds (from the test's environment), with the starter clients, journeys and topics."""
    services = build_services(Settings())
    install_defaults(services.scaffolding)
    yield services
    services.close()
