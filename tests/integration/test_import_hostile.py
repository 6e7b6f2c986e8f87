"""Hostile and broken files: a one-line error naming the file and the problem, nothing stored anywhere.

The corpus is ``tests/fixtures/bad_imports`` (each file with its expected message in ``expected.json``);
the big cases are generated here. Runs on SQLite and on the real PostgreSQL.
"""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.bootstrap import Services
from core.cli.main import app
from core.errors import ImportFormatError
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES, LocalBlobStore
from core.storage.database import Database
from tests.support import import_files as files
from tests.support.paths import REPO_ROOT

BAD = REPO_ROOT / "tests" / "fixtures" / "bad_imports"
EXPECTED: dict[str, str] = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Services:
    data = tmp_path / "data"
    return Services(settings=Settings(data_dir=data), db=db, blobs=LocalBlobStore(data / "buckets"))


def _everything_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")} if folder.exists() else set()


def _training_with_id(conversation_id: str) -> bytes:
    return files.dumps(files.training_file([(conversation_id, files.seed_pairs())]))


GENERATED: dict[str, tuple[bytes, str]] = {
    "nested-10000-deep.json": (b"[" * 10_000 + b"]" * 10_000, "nested more than 64 levels deep"),
    "object-nested-10000-deep.json": (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "nested more than 64 levels deep"),
    "long-id.json": (_training_with_id("a" * 5_000), "is not a usable id"),
    "huge-integer.json": (b'{"conversation_metadata": {}, "turns": [' + b"7" * 5_000 + b"]}", "integer too long"),
}


def test_every_corpus_file_has_an_expected_message() -> None:
    on_disk = {p.name for p in BAD.iterdir() if p.name not in ("expected.json", "README.md")}
    assert on_disk == set(EXPECTED)


def _refused(svc: Services, name: str, data: bytes, expected: str, tmp_path: Path) -> None:
    outside_before = _everything_under(tmp_path) - _everything_under(tmp_path / "data")
    with pytest.raises(ImportFormatError) as info:
        svc.importer.import_bytes(data, source=name)
    message = info.value.message
    assert expected in message, message
    assert message.startswith(name) and "\n" not in message
    assert svc.db.conversations.count() == 0
    assert svc.blobs.list(CONVERSATION_FILES) == []
    assert _everything_under(tmp_path) - _everything_under(tmp_path / "data") == outside_before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_corpus_file_is_refused_with_its_message_and_nothing_stored(svc: Services, name: str, tmp_path: Path) -> None:
    _refused(svc, name, (BAD / name).read_bytes(), EXPECTED[name], tmp_path)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_a_generated_hostile_file_is_refused_with_its_message(svc: Services, name: str, tmp_path: Path) -> None:
    data, expected = GENERATED[name]
    _refused(svc, name, data, expected, tmp_path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(svc: Services, tmp_path: Path) -> None:
    big = tmp_path / "huge.json"
    with big.open("wb") as handle:  # a sparse 193 MB file: no disk or memory spent on it
        handle.truncate(193_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(ImportFormatError, match=r"huge.json is 193.0 MB, more than the 21 MB upload limit"):
            svc.importer.import_path(big)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert svc.db.conversations.count() == 0


def test_the_cli_prints_one_line_per_bad_file_and_no_traceback(tmp_path: Path) -> None:
    names = sorted(EXPECTED)
    result = CliRunner().invoke(app, ["import", *(str(BAD / n) for n in names)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == len(names), result.output
    for name, line in zip(names, lines, strict=True):
        assert line.startswith(f"Error: {name}") and EXPECTED[name] in line
    assert "Traceback" not in result.output
    assert not (Path(os.environ["BRIGHTRUN_DATA_DIR"]) / "buckets" / CONVERSATION_FILES).exists() or not any(
        (Path(os.environ["BRIGHTRUN_DATA_DIR"]) / "buckets" / CONVERSATION_FILES).rglob("*.json")
    )
