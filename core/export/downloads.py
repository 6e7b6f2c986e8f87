"""Where an export goes: a destination checked before anything is read, and the files offered for download
(each export in a folder of its own under the data folder, removed when no longer offered)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from typing import NamedTuple

from core.errors import ExportError
from core.export.brightrun_v4 import jsonl_path_for
from core.export.common import ExportResult

DOWNLOADS_DIR = "export-downloads"  # under the data folder: one sub-folder per export offered for download
STALE_AFTER_S = 3600.0


def check_destination(fmt: str, out: Path) -> None:
    """Refuse, before anything is read, a destination that cannot take the export: a folder where a file goes
    (or a file where the Hugging Face folder goes), a place under a file, or one without write permission."""
    if fmt == "hf":
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out} is a file, not a folder.", hint=_ELSEWHERE)
        folder = out
    else:
        targets = [out, jsonl_path_for(out)] if fmt == "brightrun-v4" else [out]
        for target in targets:
            if target.is_dir():
                raise ExportError(f"{target} is a folder, not a file.", hint="Name a file to write, e.g. train.jsonl.")
        folder = out.parent
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise unwritable(out, f"{probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise unwritable(out, f"no permission to write in {probe}")


_ELSEWHERE = "Choose a place you can write in."


def unwritable(out: Path, why: str) -> ExportError:
    return ExportError(f"{out} cannot be written: {why}.", hint=_ELSEWHERE)


class Download(NamedTuple):
    """A file to offer, left on disk: the page opens it only when the person clicks, and never keeps it."""

    file_name: str
    path: Path
    mime: str

    def read(self) -> bytes:
        """The file's bytes (the page passes this method, not the bytes: Streamlit calls it on click)."""
        return self.path.read_bytes()


def downloads(result: ExportResult) -> list[Download]:
    """The files of an export as downloads; a Hugging Face folder becomes one zip, written next to it."""
    if result.format == "hf":
        folder = Path(result.paths[0])
        zipped = folder.with_name(f"{folder.name}.zip")
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
        return [Download(zipped.name, zipped, "application/zip")]
    mime = {".json": "application/json", ".jsonl": "application/x-ndjson"}
    return [Download(Path(p).name, Path(p), mime.get(Path(p).suffix, "text/plain")) for p in result.paths]


def download_folder(data_dir: Path, *, stale_after_s: float = STALE_AFTER_S) -> Path:
    """A new, empty folder for one export to download. Folders of earlier exports older than
    ``stale_after_s`` (left by closed sessions) are removed first, so they never pile up."""
    root = data_dir / DOWNLOADS_DIR
    root.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - stale_after_s
    for old in root.iterdir():
        if old.is_dir() and old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix="export-", dir=root))


def discard_download_folder(folder: Path) -> None:
    """Remove an export's folder once its downloads are no longer offered."""
    shutil.rmtree(folder, ignore_errors=True)
