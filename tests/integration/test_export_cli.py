"""``python -m core export`` and ``training-file``: the flags of the issue, validation, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from core.bootstrap import build_services
from core.cli.main import app
from tests.support.paths import REFERENCE_DIR
from tests.support.reference_copies import complete_training_file

REFERENCE = REFERENCE_DIR / "training-file-brightrun-lora-v4.json"
runner = CliRunner()


def _import() -> None:
    services = build_services()
    services.importer.import_path(complete_training_file(services.settings.data_dir.parent / "in"))
    services.close()


def test_export_openai_per_turn_with_split_writes_both_files_and_validates(tmp_path: Path) -> None:
    _import()
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["export", "--format", "openai", "--out", str(out), "--per-turn", "--split", "0.5"])
    assert result.exit_code == 0, result.output
    assert "Validation for openai passed" in result.output
    lines = out.read_text().splitlines() + (tmp_path / "o.validation.jsonl").read_text().splitlines()
    assert len(lines) == 6 and all("messages" in json.loads(line) for line in lines)


def test_export_brightrun_v4_writes_json_and_jsonl(tmp_path: Path) -> None:
    _import()
    result = runner.invoke(app, ["export", "--format", "brightrun-v4", "--out", str(tmp_path / "NAME.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "NAME.json").read_text())["training_file_metadata"]["file_name"] == "NAME"
    assert (tmp_path / "NAME.jsonl").read_text().startswith('{"_meta"')


def test_export_hf_writes_a_folder_that_loads(tmp_path: Path) -> None:
    _import()
    result = runner.invoke(app, ["export", "--format", "hf", "--out", str(tmp_path / "ds"), "--status", "all"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ds" / "README.md").exists() and (tmp_path / "ds" / "data" / "train.parquet").exists()


def test_export_with_nothing_to_export_says_why_and_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "kto", "--out", str(tmp_path / "k.jsonl")])
    assert result.exit_code == 1
    assert "No conversations to export" in result.output and "Traceback" not in result.output


def test_training_file_create_add_list_archive(tmp_path: Path) -> None:
    _import()
    assert runner.invoke(app, ["training-file", "create", "Set"]).exit_code == 0
    listed = runner.invoke(app, ["training-file", "list", "--json"])
    row = json.loads(listed.output)[0]
    assert (row["name"], row["conversation_count"], row["total_training_pairs"]) == ("Set", 3, 15)
    again = runner.invoke(app, ["training-file", "add", "Set", "330dc058-6d75-4609-96f7-b6e87b39f536"])
    assert again.exit_code == 1 and "already in 'Set'" in again.output
    assert runner.invoke(app, ["training-file", "archive", "Set"]).exit_code == 0
    assert "No training files yet" in runner.invoke(app, ["training-file", "list"]).output


def _one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, OSError)
    return " ".join(result.output.split())


@pytest.mark.parametrize("fmt", ["openai", "brightrun-v4", "kto"])
def test_export_out_at_a_folder_is_a_one_line_error(tmp_path: Path, fmt: str) -> None:
    _import()
    (tmp_path / "folder.jsonl").mkdir()
    result = runner.invoke(app, ["export", "--format", fmt, "--out", str(tmp_path / "folder.jsonl"), "--status", "all"])
    assert "is a folder, not a file" in _one_line_error(result)


@pytest.mark.parametrize(
    "where",
    [
        "/proc/brightrun-export/train.jsonl",  # a place the system refuses
        "{tmp}/a-file.txt/train.jsonl",  # under a file
    ],
)
def test_export_out_at_an_unwritable_place_is_a_one_line_error(tmp_path: Path, where: str) -> None:
    _import()
    (tmp_path / "a-file.txt").write_text("x")
    out = where.format(tmp=tmp_path)
    result = runner.invoke(app, ["export", "--format", "openai", "--out", out, "--status", "all"])
    assert "cannot be written" in _one_line_error(result)


def test_export_hf_out_at_a_file_is_a_one_line_error(tmp_path: Path) -> None:
    _import()
    (tmp_path / "ds").write_text("x")
    result = runner.invoke(app, ["export", "--format", "hf", "--out", str(tmp_path / "ds"), "--status", "all"])
    assert "is a file, not a folder" in _one_line_error(result)
