"""Downloads stay on disk until clicked, and the folders of earlier exports are removed."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

from core.export.common import ExportResult
from core.export.downloads import DOWNLOADS_DIR, discard_download_folder, download_folder, downloads


def result(fmt: str, *paths: Path) -> ExportResult:
    return ExportResult(format=fmt, paths=[str(p) for p in paths], conversations=1, examples={"train": 1})


def test_a_download_is_a_path_read_only_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "openai.jsonl"
    out.write_bytes(b'{"messages": []}\n')
    (offer,) = downloads(result("openai", out))
    assert offer.path == out and offer.file_name == "openai.jsonl" and offer.mime == "application/x-ndjson"
    out.write_bytes(b"changed\n")  # nothing was read up front: the click sees the file as it is now
    assert offer.read() == b"changed\n"


def test_a_hugging_face_folder_is_zipped_to_disk_next_to_it(tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    (folder / "data").mkdir(parents=True)
    (folder / "README.md").write_text("card", encoding="utf-8")
    (folder / "data" / "train.parquet").write_bytes(b"PAR1")
    (offer,) = downloads(result("hf", folder))
    assert offer.path == tmp_path / "dataset.zip" and offer.path.is_file()
    with zipfile.ZipFile(offer.path) as archive:
        assert sorted(archive.namelist()) == ["dataset/README.md", "dataset/data/train.parquet"]


def test_new_download_folders_remove_stale_ones_and_keep_recent_ones(tmp_path: Path) -> None:
    stale = download_folder(tmp_path)
    (stale / "training.json").write_text("{}", encoding="utf-8")
    hour_ago = time.time() - 2 * 3600
    os.utime(stale, (hour_ago, hour_ago))
    recent = download_folder(tmp_path)
    newest = download_folder(tmp_path)
    assert not stale.exists() and recent.is_dir() and newest.is_dir()
    assert {p.parent for p in (recent, newest)} == {tmp_path / DOWNLOADS_DIR}
    discard_download_folder(recent)
    assert not recent.exists() and newest.exists()
