"""The scripting CLI: ``conversations list``, ``import`` ids and ``--json``, ``training-file list --json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from core.cli.main import app
from tests.support import import_files as files
from tests.support.paths import REFERENCE_DIR, REPO_ROOT
from tests.support.reference_copies import complete_training_file

runner = CliRunner()
TRAINING = REFERENCE_DIR / "training-file-brightrun-lora-v4.json"
FIELDS = ["conversation_id", "name", "review_status", "enrichment_status", "truncated", "quality_score"]


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_conversations_list_json_has_exactly_the_named_fields() -> None:
    invoke("import", str(TRAINING))
    code, out = invoke("conversations", "list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 3
    assert all(list(r) == FIELDS for r in rows)
    assert sorted((r["review_status"], r["truncated"]) for r in rows) == [
        ("approved", False),
        ("pending_review", True),
        ("pending_review", True),
    ]
    assert {r["enrichment_status"] for r in rows} == {"completed"}


def test_conversations_list_filters_by_status() -> None:
    invoke("import", str(TRAINING))
    approved = json.loads(invoke("conversations", "list", "--status", "approved", "--json")[1])
    assert [r["name"] for r in approved] == ["Jennifer Martinez - The Anxious Planner"]
    both = json.loads(invoke("conversations", "list", "--status", "approved,pending_review", "--json")[1])
    assert len(both) == 3
    code, out = invoke("conversations", "list", "--status", "aproved")
    assert code == 1 and "Unknown review status: aproved" in out and "Traceback" not in out


def test_conversations_list_in_words_shows_labels_not_keys() -> None:
    invoke("import", str(TRAINING))
    code, out = invoke("conversations", "list")
    assert code == 0 and "Waiting for review" in out and "pending_review" not in out
    assert out.count("cut off mid-sentence") == 2


def test_import_prints_the_ids_it_stored() -> None:
    code, out = invoke("import", str(TRAINING))
    assert code == 0
    ids = re.findall(r"imported\s+([0-9a-f-]{36})", out)
    assert sorted(ids) == sorted(r["conversation_id"] for r in json.loads(invoke("conversations", "list", "--json")[1]))


def test_import_json_reports_each_file_with_ids_reasons_and_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"turns": [1, 2,]}')
    enriched = REFERENCE_DIR / "enriched-conversation.json"
    code, out = invoke("import", "--json", str(enriched), str(TRAINING), str(bad))
    assert code == 1
    first, second, third = json.loads(out)
    assert first["format"] == "enriched" and first["imported"] == ["330dc058-6d75-4609-96f7-b6e87b39f536"]
    assert second["format"] == "training_file" and second["replaced"] == first["imported"]
    replaced = next(o for o in second["outcomes"] if o["action"] == "replaced")
    # Same turns and pairs: the later stage's copy keeps the content, and the report says which copy won and why.
    assert replaced["reason"].startswith("content from this file (a training file, 5 turns, 5 pairs)")
    assert "a training file is the later stage than an enriched conversation file" in replaced["reason"]
    assert sorted(second["truncated"]) == sorted(o["conversation_id"] for o in second["outcomes"] if o["truncated"])
    assert third == {"source": "bad.json", "error": third["error"]} and "line 1, column 17" in third["error"]


def test_import_of_a_jsonl_file_works_from_the_cli(tmp_path: Path) -> None:
    records = [p | {"conversation_id": "j0000000-0000-4000-8000-000000000001"} for p in files.seed_pairs()]
    path = tmp_path / "set.jsonl"
    path.write_bytes(files.jsonl({"file_name": "set", "total_pairs": 3, "version": "4.0.0"}, records))
    code, out = invoke("import", str(path))
    assert code == 0, out
    assert "j0000000-0000-4000-8000-000000000001" in out


def test_training_file_list_json_keeps_working(tmp_path: Path) -> None:
    invoke("import", str(complete_training_file(tmp_path / "in")))
    assert invoke("training-file", "create", "First set")[0] == 0
    code, out = invoke("training-file", "list", "--json")
    [row] = json.loads(out)
    assert code == 0 and (row["name"], row["conversation_count"]) == ("First set", 3)


def test_the_readme_training_file_create_line_matches_the_cli() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "training-file create" in line)
    assert "--name" not in line
    code, out = invoke("training-file", "create", "--help")
    assert code == 0 and "--name" not in out
    code, out = invoke("training-file", "create", "Named positionally")
    assert "--name" not in out and "Traceback" not in out
