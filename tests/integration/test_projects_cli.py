"""``python -m core project …`` and the global ``--project`` (or ``BRIGHTRUN_PROJECT``) every command honours."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.cli.main import app
from tests.support.paths import REFERENCE_DIR, REPO_ROOT

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def conversations(*project: str) -> int:
    code, out = invoke(*project, "stats", "--json")
    assert code == 0, out
    return int(json.loads(out)["conversations"])


def test_create_prints_the_slug_and_json_gives_id_slug_and_name() -> None:
    code, out = invoke("project", "create", "Career coach", "--description", "Helps people change jobs.")
    assert (code, out.strip()) == (0, "career-coach")
    code, out = invoke("project", "create", "Career coach", "--json")
    made = json.loads(out)
    assert code == 0 and set(made) == {"id", "slug", "name"}
    assert (made["slug"], made["name"]) == ("career-coach-2", "Career coach")
    listed = json.loads(invoke("project", "list", "--json")[1])
    assert [p["slug"] for p in listed] == ["default", "career-coach", "career-coach-2"]
    assert [p["current"] for p in listed] == [True, False, False]
    assert listed[1]["description"] == "Helps people change jobs."
    assert "career-coach-2" in invoke("project", "list")[1]


def test_every_command_works_in_the_project_it_is_given() -> None:
    invoke("project", "create", "Career coach")
    assert invoke("--project", "career-coach", "import", str(REFERENCE_DIR / "raw-conversation.json"))[0] == 0
    assert conversations("--project", "career-coach") == 1
    assert conversations() == 0
    assert invoke("--project", "career-coach", "scaffolding", "list", "personas", "--json")[1].strip() == "[]"
    assert invoke("--project", "career-coach", "demo", "load")[0] == 0
    assert conversations("--project", "career-coach") >= 12
    assert conversations() == 0
    assert json.loads(invoke("scaffolding", "list", "personas", "--json")[1]) == []


def test_the_environment_names_the_project_too(monkeypatch: pytest.MonkeyPatch) -> None:
    invoke("project", "create", "Career coach")
    invoke("--project", "career-coach", "import", str(REFERENCE_DIR / "raw-conversation.json"))
    monkeypatch.setenv("BRIGHTRUN_PROJECT", "career-coach")
    assert conversations() == 1
    listed = json.loads(invoke("project", "list", "--json")[1])
    assert [p["slug"] for p in listed if p["current"]] == ["career-coach"]


def test_delete_needs_yes_or_the_name_and_removes_the_project() -> None:
    invoke("project", "create", "Career coach")
    invoke("--project", "career-coach", "import", str(REFERENCE_DIR / "raw-conversation.json"))
    code, out = runner.invoke(app, ["project", "delete", "career-coach"], input="Career\n").exit_code, ""
    assert code == 1
    code, out = invoke("project", "delete", "career-coach", "--yes")
    assert code == 0 and "Deleted project 'Career coach'" in out
    assert [p["slug"] for p in json.loads(invoke("project", "list", "--json")[1])] == ["default"]
    code, out = invoke("project", "delete", "default", "--yes")
    assert code == 1 and "first project" in out


def test_an_unknown_project_is_one_plain_line_and_a_non_zero_exit() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "core", "--project", "nope", "stats"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=os.environ,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["Error: There is no project 'nope' (projects: default)."]
    assert done.stdout == ""


def test_the_readme_commands_work_inside_a_project_and_leave_the_first_project_alone(tmp_path: Path) -> None:
    invoke("project", "create", "Career coach")
    coach = ("--project", "career-coach")
    steps = [
        ("demo", "load"),
        ("import", str(REFERENCE_DIR / "raw-conversation.json")),
        ("enrich", "--all"),
        ("scaffolding", "list", "personas", "--json"),
        ("stats", "--json"),
    ]
    for step in steps:
        code, out = invoke(*coach, *step)
        assert code == 0, (step, out)
    waiting = json.loads(invoke(*coach, "conversations", "list", "--status", "pending_review", "--json")[1])
    assert waiting
    code, out = invoke(*coach, "review", "approve", waiting[0]["conversation_id"], "--reviewer", "Priya")
    assert code == 0, out
    approved = json.loads(invoke(*coach, "conversations", "list", "--status", "approved", "--json")[1])
    assert waiting[0]["conversation_id"] in {c["conversation_id"] for c in approved}
    code, out = invoke(*coach, "export", "--format", "openai", "--out", str(tmp_path / "train.jsonl"))
    assert code == 0, out
    assert invoke(*coach, "training-file", "create", "Coach set")[0] == 0
    assert {f["name"] for f in json.loads(invoke(*coach, "training-file", "list", "--json")[1])} == {
        "Demo training file",
        "Coach set",
    }
    # The first project saw none of it.
    assert conversations() == 0
    assert json.loads(invoke("conversations", "list", "--json")[1]) == []
    assert json.loads(invoke("training-file", "list", "--json")[1]) == []
    assert invoke("export", "--format", "openai", "--out", str(tmp_path / "none.jsonl"))[0] == 1
