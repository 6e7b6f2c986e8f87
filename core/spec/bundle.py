"""Everything the splitter produces, as one ordered ``{relative path: text}`` mapping.

The page zips the mapping; the CLI writes it to a folder. Both come from the same functions, so the
zip's content equals what the CLI writes.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from core.errors import SpecError
from core.spec.meta_prompts import BASE_TEMPLATE, build_meta_prompts
from core.spec.models import META_PROMPTS_DIR, Section, SplitResult, check_abbrev, meta_prompt_path
from core.spec.parse import decode_spec, split_spec
from core.spec.section_files import render_index, split_outputs

_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # fixed, so the same files give the same zip bytes


class SpecBundle(BaseModel):
    """A split spec and every file made from it (section files, INDEX.md, meta-prompts)."""

    abbrev: str
    result: SplitResult
    files: dict[str, str]

    def meta_prompt(self, section: Section) -> str:
        """The meta-prompt built for ``section`` ('' if there is none)."""
        return self.files.get(meta_prompt_path(self.abbrev, section.code), "")


def build_bundle(
    text: str,
    abbrev: str,
    source_name: str,
    generated: date,
    base_template: str | None = None,
    base_template_name: str = BASE_TEMPLATE,
) -> SpecBundle:
    """Split ``text`` and build INDEX.md, the section files and ``meta-prompts/`` files."""
    abbrev = check_abbrev(abbrev)
    result = split_spec(text)
    files = split_outputs(result, abbrev, source_name, generated)
    metas = build_meta_prompts(files, generated, base_template, base_template_name, abbrev)
    files.update({f"{META_PROMPTS_DIR}/{name}": body for name, body in metas.items()})
    files["INDEX.md"] = render_index(result, abbrev, source_name, generated, existing=files)
    return SpecBundle(abbrev=abbrev, result=result, files=files)


def bundle_from_bytes(
    data: bytes,
    abbrev: str,
    source_name: str,
    generated: date,
    base_template: str | None = None,
    base_template_name: str = BASE_TEMPLATE,
) -> SpecBundle:
    """Same as :func:`build_bundle` for an uploaded file; non-UTF-8 bytes raise SpecError."""
    return build_bundle(decode_spec(data), abbrev, source_name, generated, base_template, base_template_name)


def zip_bytes(files: Mapping[str, str]) -> bytes:
    """A zip holding ``files`` in order, UTF-8 encoded, with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def read_zip(data: bytes) -> dict[str, str]:
    """Name -> text of every file in a zip made by :func:`zip_bytes`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def existing_files(files: Mapping[str, str], folder: Path) -> list[Path]:
    """Targets under ``folder`` that already exist and would be overwritten."""
    return [folder / name for name in files if (folder / name).exists()]


def check_output_folder(folder: Path) -> None:
    """Raise SpecError unless ``folder`` is (or can become) a folder we may write in. Creates nothing."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe == folder and not folder.is_dir():
        raise SpecError(
            f"{folder} is a file, not a folder.", hint="Choose a folder for the output (it is created if needed)."
        )
    if not probe.is_dir():
        raise SpecError(
            f"{folder} cannot be created: {probe} is a file, not a folder.", hint="Choose another output folder."
        )
    if not os.access(probe, os.W_OK | os.X_OK):
        raise SpecError(f"{folder} is not writable: no permission to write in {probe}.", hint=_OTHER_FOLDER)


_OTHER_FOLDER = "Choose a folder you can write in."


def write_files(files: Mapping[str, str], folder: Path, force: bool = False) -> list[Path]:
    """Write ``files`` under ``folder`` (created if needed) with LF line endings.

    Refuses, before writing anything, when a target exists and ``force`` is false, or when ``folder``
    cannot be written (it is a file, sits under a file, or lacks permission). An operating-system
    error while writing is a SpecError naming the file.
    """
    for name in files:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise SpecError(f"Refusing to write {name}: it points outside {folder}.")
    check_output_folder(folder)
    clashes = existing_files(files, folder)
    if clashes and not force:
        shown = ", ".join(str(p) for p in clashes[:5]) + (" …" if len(clashes) > 5 else "")
        raise SpecError(
            f"{len(clashes)} file(s) already exist: {shown}. Nothing was written.",
            hint="Confirm overwriting, or choose another folder.",
            terminal_hint="Pass --force to overwrite them, or choose another folder.",
        )
    written: list[Path] = []
    for name, text in files.items():
        target = folder / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise SpecError(
                f"Could not write {target}: {reason}. {len(written)} of {len(files)} file(s) were written.",
                hint=_OTHER_FOLDER,
            ) from exc
        written.append(target)
    return written


def read_text_file(path: Path) -> str:
    """Read a UTF-8 file (BOM and CRLF allowed); a missing or non-UTF-8 file raises SpecError."""
    if not path.is_file():
        raise SpecError(f"File not found: {path}")
    try:
        return decode_spec(path.read_bytes())
    except SpecError as exc:
        raise SpecError(f"{path}: {exc.message}", hint=exc.hint) from exc


def read_folder(folder: Path) -> dict[str, str]:
    """Name -> text of the ``.md`` files directly in ``folder`` (where section files live)."""
    if not folder.is_dir():
        raise SpecError(f"Folder not found: {folder}", hint="Run `spec split` first, or check the path.")
    return {p.name: read_text_file(p) for p in sorted(folder.glob("*.md")) if p.is_file()}
