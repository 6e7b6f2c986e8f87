"""A Hugging Face dataset folder: ``data/{split}.parquet`` plus a ``README.md`` dataset card.

Parquet is written in row groups as conversations arrive (``ParquetWriter``). The card's YAML header
declares the splits so ``load_dataset(folder)`` finds them; its body holds the counts and the numbers
behind the charts (distribution tables), gathered while writing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from core.export.common import ExportOptions, ExportResult
from core.export.messages import Example, estimate_tokens
from core.export.scaffolding_fields import scaffolding_of, tier_of
from core.export.selection import ExportItem
from core.export.split import Split

ROW_GROUP = 512
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("conversation_id", pa.string()),
        ("turn_number", pa.int64()),
        ("messages", pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))),
        ("persona_key", pa.string()),
        ("emotional_arc_key", pa.string()),
        ("topic_key", pa.string()),
        ("quality_score", pa.float64()),
        ("quality_tier", pa.string()),
        ("review_status", pa.string()),
        ("num_messages", pa.int64()),
        ("estimated_tokens", pa.int64()),
    ]
)
TOKEN_BUCKETS = (256, 512, 1024, 2048, 4096, 8192)
TABLES = {
    "persona_key": "Personas",
    "emotional_arc_key": "Emotional arcs",
    "topic_key": "Training topics",
    "quality_tier": "Quality tiers",
    "review_status": "Review status",
    "num_messages": "Messages per example",
    "tokens": "Estimated tokens per example",
}


def data_file(split: Split) -> str:
    return f"data/{split}.parquet"


def token_bucket(tokens: int) -> str:
    upper = next((b for b in TOKEN_BUCKETS if tokens <= b), None)
    return f"<= {upper}" if upper else f"> {TOKEN_BUCKETS[-1]}"


def row(example: Example, item: ExportItem) -> dict[str, Any]:
    keys = scaffolding_of(item.row, item.pairs)
    chat = example.chat()
    return {
        "id": example.example_id,
        "conversation_id": example.conversation_id,
        "turn_number": example.target_turn,
        "messages": [{"role": m.role, "content": m.content} for m in chat],
        "persona_key": keys["persona_key"],
        "emotional_arc_key": keys["emotional_arc_key"],
        "topic_key": keys["training_topic_key"],
        "quality_score": item.row.quality_score,
        "quality_tier": tier_of(item.row, item.pairs),
        "review_status": item.row.review_status,
        "num_messages": len(chat),
        "estimated_tokens": estimate_tokens(chat),
    }


class _SplitWriter:
    def __init__(self, path: Path) -> None:
        self.writer = pq.ParquetWriter(path, SCHEMA)
        self.buffer: list[dict[str, Any]] = []

    def add(self, record: dict[str, Any]) -> None:
        self.buffer.append(record)
        if len(self.buffer) >= ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.writer.write_table(pa.Table.from_pylist(self.buffer, schema=SCHEMA))
            self.buffer = []

    def close(self) -> None:
        self.flush()
        self.writer.close()


def write_hf(
    items: Iterable[ExportItem], folder: Path, options: ExportOptions, *, name: str = "brightrun"
) -> ExportResult:
    splits: tuple[Split, ...] = ("train", "validation") if options.split else ("train",)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    writers = {s: _SplitWriter(folder / data_file(s)) for s in splits}
    result = ExportResult(format="hf", paths=[str(folder)], examples=dict.fromkeys(splits, 0))
    tables: dict[str, Counter[str]] = {key: Counter() for key in TABLES}
    conversations_per_split: Counter[str] = Counter()
    try:
        for item in items:
            result.conversations += 1
            examples = options.examples(item)
            if not examples:
                result.skipped.append(item.row.conversation_id)
                continue
            split = options.split_of(item)
            conversations_per_split[split] += 1
            for example in examples:
                record = row(example, item)
                writers[split].add(record)
                for key in TABLES:
                    value = token_bucket(record["estimated_tokens"]) if key == "tokens" else record[key]
                    tables[key][str(value) if value not in ("", None) else "(none)"] += 1
            result.examples[split] += len(examples)
    finally:
        for writer in writers.values():
            writer.close()
    if options.split and result.examples["validation"] == 0:
        # An empty split does not load (datasets refuses a split with no data): leave it out.
        (folder / data_file("validation")).unlink()
        del result.examples["validation"]
    card = dataset_card(name, result, dict(conversations_per_split), tables, options)
    (folder / "README.md").write_text(card, encoding="utf-8")
    return result


def dataset_card(
    name: str,
    result: ExportResult,
    conversations: dict[str, int],
    tables: dict[str, Counter[str]],
    options: ExportOptions,
) -> str:
    """The card: YAML header (configs, splits), counts, then one table per distribution."""
    lines = ["---", f"pretty_name: {name}", "language:", "- en", "task_categories:", "- text-generation"]
    lines += ["configs:", "- config_name: default", "  data_files:"]
    for split in result.examples:
        lines += [f"  - split: {split}", f"    path: {data_file(split)}"]  # type: ignore[arg-type]
    lines += ["dataset_info:", "  splits:"]
    for split, count in result.examples.items():
        lines += [f"  - name: {split}", f"    num_examples: {count}"]
    lines += ["---", "", f"# {name}", ""]
    unit = "assistant turn (earlier turns as context)" if options.per_turn else "conversation"
    lines += [
        f"Exported by Bright Run Studio. One example per {unit}; each row's `messages` is an OpenAI-style chat.",
        "",
        "## Counts",
        "",
        "| split | conversations | examples |",
        "|---|---|---|",
    ]
    for split, count in result.examples.items():
        lines.append(f"| {split} | {conversations.get(split, 0)} | {count} |")
    lines.append(f"| total | {sum(conversations.values())} | {result.total_examples} |")
    if options.split:
        lines += ["", f"Validation share {options.split}, seed {options.seed}, split by conversation."]
    for key, title in TABLES.items():
        lines += ["", f"## {title}", "", "| value | examples |", "|---|---|"]
        lines += [f"| {value} | {n} |" for value, n in sorted(tables[key].items(), key=_table_order)]
    return "\n".join(lines) + "\n"


def _table_order(entry: tuple[str, int]) -> tuple[int, Any]:
    value = entry[0]
    if value.isdigit():
        return (0, int(value))
    if value.startswith(("<=", ">")):
        return (1, (value.startswith(">"), int(value.split()[-1])))
    return (2, value)
