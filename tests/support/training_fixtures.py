"""Fixtures for training tests (loaded for every test by ``tests/conftest.py``): tiny models, built once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.support.tiny_models import Kind, build_tiny_model, set_offline


class TinyModels:
    """Tiny base models in one temporary folder, each built the first time a test asks for it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()

    def path(self, kind: Kind = "llama") -> Path:
        folder = self.root / f"tiny-{kind}"
        with self._lock:
            if not (folder / "config.json").exists():
                build_tiny_model(kind, folder)
        return folder


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> TinyModels:
    set_offline()
    return TinyModels(tmp_path_factory.mktemp("tiny-models"))
