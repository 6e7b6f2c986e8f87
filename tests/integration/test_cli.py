"""The command line contract: commands, flags, JSON output and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from core.cli.main import app
from tests.support.paths import REFERENCE_DIR, REPO_ROOT

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_python_dash_m_core_help_lists_the_commands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "core", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=os.environ,
        check=True,
    ).stdout
    for command in ("import", "stats", "db", "scaffolding", "demo"):
        assert command in out


def test_db_upgrade_then_reports_up_to_date() -> None:
    assert invoke("db", "upgrade")[0] == 0
    code, out = invoke("db", "upgrade")
    assert code == 0 and "up to date" in out


def test_demo_load_twice_does_not_duplicate() -> None:
    assert invoke("demo", "load")[0] == 0
    first = json.loads(invoke("stats", "--json")[1])["conversations"]
    assert invoke("demo", "load")[0] == 0
    assert json.loads(invoke("stats", "--json")[1])["conversations"] == first >= 12


def test_scaffolding_list_json_gives_objects_with_keys() -> None:
    invoke("demo", "load")
    for kind, expected in (
        ("personas", "anxious_planner"),
        ("arcs", "crisis_to_referral"),
        ("topics", "roth_ira_conversion"),
    ):
        code, out = invoke("scaffolding", "list", kind, "--json")
        assert code == 0
        assert expected in {item["key"] for item in json.loads(out)}
    templates = json.loads(invoke("scaffolding", "list", "templates", "--json")[1])
    assert len(templates) == 10 and all(t["key"] for t in templates)


def test_stats_json_counts_per_status() -> None:
    invoke("import", str(REFERENCE_DIR / "training-file-brightrun-lora-v4.json"))
    stats = json.loads(invoke("stats", "--json")[1])
    assert stats["conversations"] == 3
    # Two of the reference conversations have answers cut off mid-sentence: held for review, not approved.
    assert stats["review_status"]["approved"] == 1 and stats["review_status"]["pending_review"] == 2
    assert stats["enrichment_status"]["completed"] == 3 and stats["truncated"] == 2


def test_import_of_a_broken_file_exits_non_zero_and_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"turns": [1, 2,]}')
    code, out = invoke("import", str(bad), str(REFERENCE_DIR / "raw-conversation.json"))
    assert code == 1
    assert "line 1, column 17" in out
    assert json.loads(invoke("stats", "--json")[1])["conversations"] == 1


def test_install_defaults_adds_scaffolding_once() -> None:
    code, out = invoke("scaffolding", "install-defaults")
    assert code == 0 and "10 arcs" in out
    assert "0 arcs" in invoke("scaffolding", "install-defaults")[1]
