"""CI runs the README's test command; that command must run the linters, the formatter check, mypy and the
import contracts before any test, so a mistake any of them catches fails CI in seconds."""

from __future__ import annotations

import subprocess

from tests.support.paths import REPO_ROOT


def test_make_test_runs_every_check_before_pytest() -> None:
    # -n prints the commands without running them (recursive $(MAKE) lines are followed, still dry).
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", "test", "VENV=/nonexistent-venv"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()

    def first(fragment: str) -> int:
        return next(i for i, line in enumerate(lines) if fragment in line)

    pytest_at = first("-m pytest")
    for step in ("ruff check .", "ruff format --check .", "bin/mypy", "bin/lint-imports"):
        assert first(step) < pytest_at, step
    # Every part of the suite runs: the tests without a browser (in parallel workers) and the browser tests.
    runs = [line for line in lines if "-m pytest" in line]
    assert any('-m "not e2e"' in run and " -n " in run for run in runs), runs
    assert any(" -m e2e" in run for run in runs), runs


def test_ci_runs_the_readme_test_command() -> None:
    script = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in script
    assert "make test" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
