"""Trainer rules catch what trainers reject; the datasets load check runs or says it was skipped."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

from core.export.common import ExportOptions, ExportResult, write_jsonl
from core.export.openai_chat import records
from core.export.record_rules import kto_problems, openai_problems, sharegpt_problems
from core.export.selection import ExportItem
from core.export.validate import validate_export

GOOD = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}]


def test_a_well_formed_openai_example_has_no_problems() -> None:
    assert openai_problems({"messages": GOOD}) == []


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([*GOOD, {"role": "system", "content": "again"}], "one 'system' message"),
        ([GOOD[0], {"role": "user", "content": " "}, GOOD[2]], "empty content"),
        ([GOOD[0], GOOD[2], GOOD[1]], "first message after the system prompt"),
        ([GOOD[0], GOOD[1], GOOD[1], GOOD[2]], "must alternate"),
        ([GOOD[0], {"role": "tool", "content": "x"}, GOOD[2]], "has role 'tool'"),
        ([GOOD[0], {"role": "user", "content": "u", "weight": 1}, GOOD[2]], "only on assistant"),
        ([GOOD[0], GOOD[1], {"role": "assistant", "content": "x" * 300_000}], "token example limit"),
    ],
)
def test_openai_rules_name_the_broken_rule(messages: list[dict[str, Any]], expected: str) -> None:
    assert any(expected in p for p in openai_problems({"messages": messages}))


def test_sharegpt_role_tags_are_checked() -> None:
    record = {"conversations": [{"from": "user", "value": "u"}, {"from": "gpt", "value": "a"}]}
    assert any("from='user'" in p for p in sharegpt_problems(record))
    record["conversations"][0]["from"] = "human"
    assert sharegpt_problems(record) == []


def test_kto_needs_a_boolean_label_and_one_assistant_completion() -> None:
    record = {"prompt": GOOD[:2], "completion": [GOOD[2]], "label": "yes"}
    assert kto_problems(record) == ["'label' must be true or false"]


def test_a_broken_line_fails_the_report_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"messages": GOOD}) + "\n" + json.dumps({"messages": GOOD[1:2]}) + "\n")
    report = validate_export(
        ExportResult(format="openai", paths=[str(path)], examples={"train": 2}), load_with_datasets=False
    )
    assert not report.ok
    assert report.errors == ["bad.jsonl line 2: the last message must be 'assistant'"]


def test_exported_openai_file_loads_with_datasets(reference_items: list[ExportItem], tmp_path: Path) -> None:
    result = write_jsonl("openai", reference_items, tmp_path / "o.jsonl", ExportOptions(per_turn=True), records)
    report = validate_export(result)
    assert report.ok, report.summary()
    assert "loads with Hugging Face datasets" in report.checks


def test_without_datasets_the_load_check_is_reported_skipped(
    reference_items: list[ExportItem], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_datasets(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "datasets":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_datasets)
    result = write_jsonl("openai", reference_items, tmp_path / "o.jsonl", ExportOptions(), records)
    report = validate_export(result)
    assert report.skipped == ["loads with Hugging Face datasets: skipped: install datasets"]
    assert "loads with Hugging Face datasets" not in report.checks
