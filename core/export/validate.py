"""Check an exported file the way its trainer will, before anyone downloads it.

Every record against its format's rules (``core.export.record_rules``), the file's own counts and checks; then
the file must load with Hugging Face ``datasets`` (a test-only dependency,
imported here lazily: without it that check is reported as skipped, never as passed).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.errors import ExportError
from core.export.common import ExportResult
from core.export.dpo import dpo_problems, repeated_lines
from core.export.escape_check import escape_warning
from core.export.record_rules import kto_problems, openai_problems, sharegpt_problems, v4_line_problems

MAX_ISSUES = 50
OPENAI_MIN_EXAMPLES = 10
MAX_JSON_CHECK_BYTES = 50_000_000


class ValidationReport(BaseModel):
    format: str
    examples: int = 0
    checks: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ISSUES:
            self.errors.append(message)

    def summary(self) -> str:
        verdict = "passed" if self.ok else f"FAILED with {self.error_count} error(s)"
        lines = [f"Validation for {self.format} {verdict}: {self.examples} examples; checks: {', '.join(self.checks)}."]
        lines += [f"  error: {e}" for e in self.errors]
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  skipped: {s}" for s in self.skipped]
        return "\n".join(lines)

    def raise_if_failed(self) -> None:
        if not self.ok:
            raise ExportError(
                f"The {self.format} export failed validation ({self.error_count} error(s)): {self.errors[0]}",
                hint="Fix the conversations named, or export them with another format.",
            )


# -- files ---------------------------------------------------------------------------------------
def _jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as err:
                yield number, ExportError(f"line {number} is not JSON: {err.msg}")


def _check_lines(
    report: ValidationReport, path: Path, rule: Callable[[Any], list[str]], *, skip_first: bool = False
) -> list[Any]:
    """Apply ``rule`` to each line; returns the first line when ``skip_first`` (the v4 ``_meta``)."""
    head: list[Any] = []
    for number, record in _jsonl(path):
        if isinstance(record, ExportError):
            report.error(f"{path.name} {record.message}")
            continue
        if skip_first and number == 1:
            head.append(record)
            continue
        report.examples += 1
        for problem in rule(record):
            report.error(f"{path.name} line {number}: {problem}")
    return head


def _check_v4(report: ValidationReport, result: ExportResult) -> None:
    """Each JSON and its JSONL (two pairs of files with a train/validation split)."""
    for index in range(0, len(result.paths) - 1, 2):
        _check_v4_pair(report, Path(result.paths[index]), Path(result.paths[index + 1]))


def _check_v4_pair(report: ValidationReport, json_path: Path, jsonl_path: Path) -> None:
    meta = _check_lines(report, jsonl_path, v4_line_problems, skip_first=True)
    total = (meta[0].get("_meta") or {}).get("total_pairs") if meta and isinstance(meta[0], dict) else None
    if total is None:
        report.error(f"{jsonl_path.name} line 1: no '_meta' with total_pairs")
    if json_path.stat().st_size > MAX_JSON_CHECK_BYTES:
        report.skipped.append(f"{json_path.name} is over {MAX_JSON_CHECK_BYTES // 1_000_000} MB: counts not re-read")
        return
    data = json.loads(json_path.read_text(encoding="utf-8"))
    meta_json = data.get("training_file_metadata", {})
    pairs = sum(len(c.get("training_pairs", [])) for c in data.get("conversations", []))
    if (
        meta_json.get("total_conversations") != len(data.get("conversations", []))
        or meta_json.get("total_training_pairs") != pairs
    ):
        report.error(f"{json_path.name}: totals in training_file_metadata do not match its conversations")
    if total is not None and total != pairs:
        report.error(f"{jsonl_path.name}: _meta.total_pairs {total} but the JSON holds {pairs} pairs")


def hf_load(paths: dict[str, list[str]], builder: str) -> tuple[dict[str, int] | None, str | None]:
    """Load with ``datasets``; returns (rows per split, None), or (None, why it failed or was skipped)."""
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    try:
        import datasets  # test-only dependency, imported lazily
    except ImportError:
        return None, "skipped: install datasets"
    datasets.disable_progress_bars()
    with tempfile.TemporaryDirectory(prefix="brightrun-hf-") as cache:
        try:
            loaded = datasets.load_dataset(builder, data_files=paths, cache_dir=cache)
        except Exception as err:  # datasets raises many error types; each one means "will not load"
            return None, f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        return {name: split.num_rows for name, split in loaded.items()}, None


def validate_export(result: ExportResult, *, load_with_datasets: bool = True) -> ValidationReport:
    """Check the files of ``result``; the report lists every rule run and what failed."""
    report = ValidationReport(format=result.format)
    if note := result.truncation_note():
        report.warnings.append(note)
    rules: dict[str, Callable[[Any], list[str]]] = {
        "openai": openai_problems,
        "sharegpt": sharegpt_problems,
        "kto": kto_problems,
        "dpo": dpo_problems,
    }
    if result.format in rules:
        report.checks.append(f"{result.format} rules")
        for path in result.paths:
            _check_lines(report, Path(path), rules[result.format])
        if result.format == "openai" and 0 < report.examples < OPENAI_MIN_EXAMPLES:
            report.warnings.append(
                f"OpenAI fine-tuning needs at least {OPENAI_MIN_EXAMPLES} examples; this file has {report.examples}"
            )
        if result.format == "dpo":
            repeats = sum(repeated_lines(Path(path)) for path in result.paths)
            if repeats:
                report.error(f"{repeats} preference pair(s) repeat an earlier line")
        if result.format == "kto" and report.examples and result.total_examples and _one_label(result):
            report.warnings.append("every example has the same label; KTO learns best from both approved and rejected")
    elif result.format == "brightrun-v4":
        report.checks.append("brightrun-lora-v4 shape and totals")
        _check_v4(report, result)
    elif result.format == "hf":
        report.checks.append("parquet rows")
        for rows in _parquet_rows(Path(result.paths[0])).values():
            report.examples += rows
    if result.format != "hf":
        report.checks.append("no literal escapes in messages")
        if warning := escape_warning([Path(p) for p in result.paths if p.endswith(".jsonl")]):
            report.warnings.append(warning)
    if load_with_datasets:
        _check_loads(report, result)
    return report


def _data_files(result: ExportResult) -> tuple[dict[str, list[str]], str]:
    if result.format == "hf":
        folder = Path(result.paths[0])
        return {split: [str(p)] for split, p in _split_files(folder).items()}, "parquet"
    paths = result.paths[1::2] if result.format == "brightrun-v4" else result.paths
    names = ["train", "validation"]
    return {names[i]: [p] for i, p in enumerate(paths)}, "json"


def _check_loads(report: ValidationReport, result: ExportResult) -> None:
    files, builder = _data_files(result)
    rows, problem = hf_load(files, builder)
    if problem and problem.startswith("skipped"):
        report.skipped.append(f"loads with Hugging Face datasets: {problem}")
        return
    report.checks.append("loads with Hugging Face datasets")
    if rows is None:
        report.error(f"Hugging Face datasets could not load it: {problem}")
    elif result.format != "brightrun-v4" and sum(rows.values()) != result.total_examples:
        report.error(f"datasets loaded {sum(rows.values())} rows, the export wrote {result.total_examples}")


def _split_files(folder: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted((folder / "data").glob("*.parquet"))}


def _parquet_rows(folder: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {split: pq.ParquetFile(path).metadata.num_rows for split, path in _split_files(folder).items()}


def _one_label(result: ExportResult) -> bool:
    labels = {
        record.get("label") for path in result.paths for _, record in _jsonl(Path(path)) if isinstance(record, dict)
    }
    return len(labels) == 1
