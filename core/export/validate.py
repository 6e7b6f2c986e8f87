"""Check an exported file the way its trainer will, before anyone downloads it.

Rules per format: OpenAI chat fine-tuning (roles, order, non-empty content, one system message first,
weights on assistant messages only, example length estimate), ShareGPT role tags and order, KTO fields,
the v4 JSONL shape; then the file must load with Hugging Face ``datasets`` (a test-only dependency,
imported here lazily: without it that check is reported as skipped, never as passed).
"""

from __future__ import annotations

import itertools
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
from core.export.messages import Message, estimate_tokens

MAX_ISSUES = 50
OPENAI_MAX_TOKENS = 65_536
OPENAI_MIN_EXAMPLES = 10
OPENAI_KEYS = {"messages", "tools", "functions", "parallel_tool_calls"}
SHAREGPT_ROLES = {"system", "human", "gpt"}
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


# -- per-record rules ------------------------------------------------------------------------------
def _order_problems(roles: list[str], user: str, assistant: str, system: str) -> list[str]:
    problems = []
    if roles.count(system) > 1 or (system in roles and roles[0] != system):
        problems.append(f"one '{system}' message is allowed, and only first")
    turns = [r for r in roles if r != system]
    if not turns or turns[0] != user:
        problems.append(f"the first message after the system prompt must be '{user}'")
    if any(a == b for a, b in itertools.pairwise(turns)):
        problems.append(f"'{user}' and '{assistant}' must alternate")
    if not turns or turns[-1] != assistant:
        problems.append(f"the last message must be '{assistant}'")
    return problems


def openai_problems(record: Any, *, max_tokens: int = OPENAI_MAX_TOKENS) -> list[str]:
    if not isinstance(record, dict) or not isinstance(record.get("messages"), list) or not record["messages"]:
        return ["no non-empty 'messages' list"]
    problems = [f"unknown key '{k}'" for k in record if k not in OPENAI_KEYS]
    roles: list[str] = []
    for index, message in enumerate(record["messages"], start=1):
        if not isinstance(message, dict):
            problems.append(f"message {index} is not an object")
            continue
        role = message.get("role")
        roles.append(str(role))
        if role not in ("system", "user", "assistant"):
            problems.append(f"message {index} has role {role!r} (system, user or assistant expected)")
        if not isinstance(message.get("content"), str) or not message["content"].strip():
            problems.append(f"message {index} has empty content")
        if "weight" in message and (role != "assistant" or message["weight"] not in (0, 1)):
            problems.append(f"message {index}: weight must be 0 or 1 and only on assistant messages")
        problems += [
            f"message {index} has unknown key '{k}'" for k in message if k not in ("role", "content", "weight", "name")
        ]
    problems += _order_problems(roles, "user", "assistant", "system")
    chat = [Message("user", str(m.get("content", ""))) for m in record["messages"] if isinstance(m, dict)]
    if (tokens := estimate_tokens(chat)) > max_tokens:
        problems.append(f"about {tokens} tokens, over the {max_tokens}-token example limit")
    return problems


def sharegpt_problems(record: Any) -> list[str]:
    if not isinstance(record, dict) or not isinstance(record.get("conversations"), list) or not record["conversations"]:
        return ["no non-empty 'conversations' list"]
    problems, tags = [], []
    for index, turn in enumerate(record["conversations"], start=1):
        if not isinstance(turn, dict):
            problems.append(f"turn {index} is not an object")
            continue
        tags.append(str(turn.get("from")))
        if turn.get("from") not in SHAREGPT_ROLES:
            problems.append(f"turn {index} has from={turn.get('from')!r} (system, human or gpt expected)")
        if not isinstance(turn.get("value"), str) or not turn["value"].strip():
            problems.append(f"turn {index} has an empty value")
        if "train" in turn and not isinstance(turn["train"], bool):
            problems.append(f"turn {index}: 'train' must be true or false")
    return problems + _order_problems(tags, "human", "gpt", "system")


def kto_problems(record: Any) -> list[str]:
    if not isinstance(record, dict):
        return ["not an object"]
    problems = []
    if not isinstance(record.get("label"), bool):
        problems.append("'label' must be true or false")
    completion = record.get("completion")
    if not (isinstance(completion, list) and len(completion) == 1 and completion[0].get("role") == "assistant"):
        problems.append("'completion' must be one assistant message")
    prompt = record.get("prompt")
    if not isinstance(prompt, list) or not prompt or prompt[-1].get("role") != "user":
        problems.append("'prompt' must be a list of messages ending with the user's")
    else:
        problems += openai_problems({"messages": prompt + (completion or [])})
    return problems


def v4_line_problems(record: Any) -> list[str]:
    if not isinstance(record, dict):
        return ["not an object"]
    missing = [
        k for k in ("id", "conversation_id", "turn_number", "current_user_input", "target_response") if k not in record
    ]
    problems = [f"missing '{k}'" for k in missing]
    if not isinstance(record.get("target_response"), str) or not record.get("target_response", "").strip():
        problems.append("empty target_response")
    return problems


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
