"""A non-editable install works from any directory: prompts and defaults are package resources.

The wheel is built from this checkout and unpacked into a temporary folder that is put first on the
path, so the code under test is the installed copy, not the checkout (checked, not assumed).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

SPEC = """# Tiny product - Integrated Extension Specification

## SECTION 1: Foundation

Build the base.

## SECTION 2: Pages

Build the pages.
"""

RENDER = """
import core
from core.generation.prompts import render_system_prompt, render_user_prompt
from core.generation.variables import build_variables
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic
from core.scaffolding.defaults import load_default_records

def first(kind):
    return load_default_records(kind)[0]

arc = EmotionalArc.model_validate(first("arcs"))
variables = build_variables(
    ExpertProfile.model_validate(first("experts")), Persona.model_validate(first("personas")), arc,
    TrainingTopic.model_validate(first("topics")), tier="template",
)
template = PromptTemplate.model_validate(first("templates"))
print(core.__file__)
print(len(render_system_prompt(variables)), len(render_user_prompt(template, variables)))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), "."],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=180,
    )
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(next(wheels.glob("brightrun_studio-*.whl"))) as wheel:
        wheel.extractall(target)
    return target


def _run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin", "BRIGHTRUN_DATA_DIR": str(cwd / "data")}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_installed_package_renders_generation_prompts_from_another_directory(
    installed: Path, tmp_path: Path
) -> None:
    done = _run(installed, tmp_path, "-c", RENDER)
    assert done.returncode == 0, done.stderr
    location, sizes = done.stdout.splitlines()
    assert location.startswith(str(installed))
    assert all(int(size) > 500 for size in sizes.split())


def test_the_installed_package_splits_a_spec_from_another_directory(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "spec.md").write_text(SPEC, encoding="utf-8")
    done = _run(installed, tmp_path, "-m", "core", "spec", "split", "spec.md", "--product", "tp", "--out", "out")
    assert done.returncode == 0, done.stdout + done.stderr
    written = sorted(p.name for p in (tmp_path / "out").rglob("*.md"))
    assert any("E01" in name for name in written) and any("E02" in name for name in written)
    assert "INDEX.md" in written
