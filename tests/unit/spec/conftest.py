"""Shared fixtures of the spec splitter tests: the realistic spec, a fixed date, golden-file checks.

Regenerate golden files with ``UPDATE_GOLDEN=1 python -m pytest tests/unit/spec``, then read the diff
before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"
GENERATED = date(2025, 12, 26)
SOURCE_NAME = "04e-pipeline-integrated-extension-spec_v1.md"


@pytest.fixture
def spec_text() -> str:
    return (FIXTURES / "integrated_spec.md").read_text(encoding="utf-8")


@pytest.fixture
def generated() -> date:
    return GENERATED


def _check(path: Path, text: str) -> None:
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.is_file(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs from its golden file"


@pytest.fixture
def golden_dir() -> Callable[[str, Mapping[str, str]], None]:
    """Compare ``files`` (relative name -> text) with the golden folder ``name``: same names, same text."""

    def check(name: str, files: Mapping[str, str]) -> None:
        root = GOLDEN / name
        for relative, text in files.items():
            _check(root / relative, text)
        on_disk = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        assert on_disk == sorted(files), "golden folder holds other files than the ones produced"

    return check


@pytest.fixture
def golden_file() -> Callable[[str, str], None]:
    def check(name: str, text: str) -> None:
        _check(GOLDEN / name, text)

    return check
