"""The one CSV helper: formula-looking cells are written as text and read back unchanged."""

from __future__ import annotations

import pytest

from core.csv_cells import CsvRows, escape_cell, unescape_cell, write_csv
from tests.support.paths import REPO_ROOT

VALUES = ["=1+1", "+33 1", "-5", "@cmd", "\tx", "\rx", "'=x", "''-x", "'plain", "plain", "", "a=b", "'"]


@pytest.mark.parametrize("value", VALUES)
def test_every_value_round_trips(value: str) -> None:
    assert unescape_cell(escape_cell(value)) == value


def test_only_formula_starts_are_escaped() -> None:
    assert [escape_cell(v) for v in ("=1+1", "-5", "'=x", "plain", "'plain", "a=b")] == [
        "'=1+1",
        "'-5",
        "''=x",
        "plain",
        "'plain",
        "a=b",
    ]


def test_a_written_csv_reads_back_as_written() -> None:
    rows = [{"kind": "=k", "name": "@n\nsecond line"}, {"kind": "plain", "name": "-"}]
    text = write_csv(["kind", "name"], rows)
    assert "\n=" not in text and not text.startswith("=")
    reader = CsvRows(text)
    assert reader.fieldnames == ["kind", "name"] and list(reader) == rows


def test_no_other_module_writes_or_reads_csv_itself() -> None:
    users = [
        path.relative_to(REPO_ROOT).as_posix()
        for folder in ("core", "pages")
        for path in (REPO_ROOT / folder).rglob("*.py")
        if "import csv" in path.read_text("utf-8") or "to_csv(" in path.read_text("utf-8")
    ]
    assert users == ["core/csv_cells.py"]
