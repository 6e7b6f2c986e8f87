"""Advice in errors: pages show ``hint`` (the app's words), the CLI shows ``terminal_hint`` (commands, flags).

A hint that names a command, a flag or a setting would put terminal words in front of a domain expert, so
such advice must go in ``terminal_hint``. The scan reads every ``hint=`` given in ``core`` (outside the CLI).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from core.errors import NotFoundError, ValidationError
from tests.support.paths import REPO_ROOT

TERMINAL_WORDS = re.compile(r"python -m|BRIGHTRUN_|ANTHROPIC_|SUPABASE_|(^|\s)--[a-z]|\.venv")


def _hint_texts(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "hint":
                    text = "".join(
                        str(part.value)
                        for part in ast.walk(kw.value)
                        if isinstance(part, ast.Constant) and isinstance(part.value, str)
                    )
                    found.append((node.lineno, text))
    return found


def test_no_hint_outside_the_cli_names_a_command_a_flag_or_a_setting() -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {text}"
        for path in sorted((REPO_ROOT / "core").rglob("*.py"))
        if "cli" not in path.relative_to(REPO_ROOT / "core").parts
        for line, text in _hint_texts(path)
        if TERMINAL_WORDS.search(text)
    ]
    assert offenders == []


def test_the_scan_finds_a_command_in_a_hint(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('raise NotFoundError("No job.", hint=f"List jobs with: python -m core batch {x}")\n')
    assert [t for _, t in _hint_texts(bad) if TERMINAL_WORDS.search(t)]


def test_a_page_reads_the_hint_and_a_terminal_the_terminal_hint() -> None:
    err = NotFoundError(
        "No batch job 'x'.", hint="See the Batch jobs page.", terminal_hint="Run: python -m core batch list"
    )
    assert err.user_message == "No batch job 'x'.\n\nSee the Batch jobs page."
    assert err.terminal_message == "No batch job 'x'.\n\nRun: python -m core batch list"
    plain = ValidationError("Bad.", problems=["one"], hint="Fix it.")
    assert plain.terminal_message == plain.user_message == "Bad.\n- one\n\nFix it."
