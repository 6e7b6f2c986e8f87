"""Issue 23: ``export --split`` for ``brightrun-v4`` writes a train and a validation file; validation for trainers
warns about literal escapes left in messages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from core.bootstrap import Services
from core.cli.main import app
from core.export.split import assign
from tests.support import import_files as files
from tests.support.reference_copies import complete_training_file


def _seed_for_both_sides(ids: list[str], ratio: float) -> int:
    return next(s for s in range(1000) if len({assign(i, ratio, seed=s) for i in ids}) == 2)


def test_a_v4_export_with_a_split_writes_a_train_and_a_validation_file(services: Services, tmp_path: Path) -> None:
    ids = services.importer.import_path(complete_training_file(tmp_path / "in")).imported
    seed = _seed_for_both_sides(ids, 0.4)
    out = tmp_path / "out" / "set.json"
    result = services.exports.export("brightrun-v4", out, split=0.4, seed=seed)
    names = ["set.json", "set.jsonl", "set.validation.json", "set.validation.jsonl"]
    assert result.paths == [str(out.with_name(name)) for name in names]
    train = json.loads(out.read_text())
    validation = json.loads(out.with_name("set.validation.json").read_text())
    sides = {
        "train": [c["conversation_metadata"]["conversation_id"] for c in train["conversations"]],
        "validation": [c["conversation_metadata"]["conversation_id"] for c in validation["conversations"]],
    }
    assert sorted(sides["train"] + sides["validation"]) == sorted(ids)
    for side, members in sides.items():
        assert members and all(assign(cid, 0.4, seed=seed) == side for cid in members)
    assert result.examples["train"] + result.examples["validation"] == 3 * 2  # the reference holds 2 answers each
    assert validation["training_file_metadata"]["total_conversations"] == len(sides["validation"])
    report = services.exports.validate(result, load_with_datasets=False)
    assert report.ok, report.errors


def test_the_cli_split_for_v4_is_no_longer_ignored(services: Services, tmp_path: Path) -> None:
    ids = services.importer.import_path(complete_training_file(tmp_path / "in")).imported
    services.close()
    out = tmp_path / "cli" / "set.json"
    seed = str(_seed_for_both_sides(ids, 0.5))
    command = ["export", "--format", "brightrun-v4", "--out", str(out), "--split", "0.5", "--seed", seed]
    run = CliRunner().invoke(app, command)
    assert run.exit_code == 0, run.output
    assert out.with_name("set.validation.json").is_file() and out.with_name("set.validation.jsonl").is_file()
    # Every conversation on the validation side: refused in one line, nothing left behind.
    everything = CliRunner().invoke(
        app, ["export", "--format", "brightrun-v4", "--out", str(tmp_path / "all.json"), "--split", "0.9999"]
    )
    assert everything.exit_code != 0 and "none to train on" in " ".join(everything.output.split())
    assert "Traceback" not in everything.output and not list(tmp_path.glob("all*"))


def test_validation_warns_when_a_literal_escape_remains_in_a_message(services: Services, tmp_path: Path) -> None:
    pairs = files.seed_pairs()
    pairs[1]["target_response"] = "Open the folder C:\\temp\\new and keep the statements there."  # not clearly doubled
    cid = "e5ca9e00-0000-4000-8000-000000000001"
    result = services.importer.import_bytes(files.dumps(files.training_file([(cid, pairs)])), source="t.json")
    assert result.unescaped == []  # not fixed on import: the signs are not clear
    export = services.exports.export("openai", tmp_path / "o.jsonl")
    report = services.exports.validate(export, load_with_datasets=False)
    assert "no literal escapes in messages" in report.checks
    [warning] = [w for w in report.warnings if "literal escape" in w]
    assert warning.startswith("1 example(s) hold a literal escape") and "o.jsonl line 1" in warning
