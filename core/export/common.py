"""What every trainer format shares: options, the result, and a JSONL writer that streams by split."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, Field

from core.export.messages import Example, RatingsHook, examples_for, no_ratings
from core.export.selection import ExportItem
from core.export.split import DEFAULT_SEED, Split, assign
from core.jsonutil import dumps_compact

FORMATS: tuple[str, ...] = ("brightrun-v4", "openai", "sharegpt", "hf", "kto", "dpo")


@dataclass(frozen=True)
class ExportOptions:
    """How examples are cut: whole conversations or one per assistant turn, and the optional split."""

    per_turn: bool = False
    split: float | None = None
    seed: int = DEFAULT_SEED
    ratings_for: RatingsHook = field(default=no_ratings)

    def examples(self, item: ExportItem) -> list[Example]:
        ratings = self.ratings_for(item.row.conversation_id)
        return examples_for(item.row.conversation_id, item.pairs, per_turn=self.per_turn, ratings=ratings)

    def split_of(self, item: ExportItem) -> Split:
        return assign(item.row.conversation_id, self.split, seed=self.seed)


class ExportResult(BaseModel):
    """What an export wrote: files, and how many conversations and examples went where."""

    format: str
    paths: list[str] = Field(default_factory=list)
    conversations: int = 0
    examples: dict[str, int] = Field(default_factory=dict)
    skipped: list[str] = Field(default_factory=list)
    truncated_conversations: int = 0
    truncated_answers: int = 0
    truncated_included: bool = False

    def truncation_note(self) -> str | None:
        """How many answers end mid-sentence, and whether they were left out (``None`` when none do)."""
        if not self.truncated_answers:
            return None
        fate = "included, as asked" if self.truncated_included else "excluded"
        plural = "s end" if self.truncated_answers != 1 else " ends"
        convs = f"{self.truncated_conversations} conversation{'s' if self.truncated_conversations != 1 else ''}"
        return f"{self.truncated_answers} assistant message{plural} mid-sentence ({convs}): {fate}"

    @property
    def total_examples(self) -> int:
        return sum(self.examples.values())

    def description(self) -> str:
        """For a page: what the export holds, in words, without server paths."""
        splits = " and ".join(f"{n} for {name}" for name, n in self.examples.items()) or "none"
        text = f"{self.conversations} conversations, {self.total_examples} examples ({splits})"
        text += f"; {len(self.skipped)} left out with nothing to train on" if self.skipped else ""
        note = self.truncation_note()
        return text + (f"; {note}" if note else "") + "."

    def summary(self) -> str:
        splits = ", ".join(f"{n} {name}" for name, n in self.examples.items()) or "0"
        text = f"{self.format}: {self.conversations} conversations, examples {splits} -> {', '.join(self.paths)}"
        text += f" ({len(self.skipped)} skipped: nothing to train on)" if self.skipped else ""
        note = self.truncation_note()
        return text + (f"; {note}" if note else "")


def validation_path(out: Path) -> Path:
    """``data.jsonl`` -> ``data.validation.jsonl`` (the train examples stay at the path asked for)."""
    return out.with_name(f"{out.stem}.validation{out.suffix or '.jsonl'}")


RecordsFor = Callable[[ExportItem, ExportOptions], list[dict[str, Any]]]


def write_jsonl(
    fmt: str, items: Iterable[ExportItem], out: Path, options: ExportOptions, records_for: RecordsFor
) -> ExportResult:
    """Write one line per record as each conversation arrives; the validation file only with a split."""
    out.parent.mkdir(parents=True, exist_ok=True)
    paths: dict[Split, Path] = {"train": out}
    if options.split:
        paths["validation"] = validation_path(out)
    handles: dict[Split, IO[str]] = {s: p.open("w", encoding="utf-8", newline="\n") for s, p in paths.items()}
    result = ExportResult(format=fmt, paths=[str(p) for p in paths.values()], examples=dict.fromkeys(paths, 0))
    try:
        for item in items:
            records = records_for(item, options)
            result.conversations += 1
            if not records:
                result.skipped.append(item.row.conversation_id)
                continue
            split = options.split_of(item)
            for record in records:
                handles[split].write(dumps_compact(record) + "\n")
            result.examples[split] += len(records)
    finally:
        for handle in handles.values():
            handle.close()
    if options.split and result.examples["validation"] == 0:
        # An empty file does not load in trainers: a split that drew no conversation is left out.
        paths["validation"].unlink()
        del result.examples["validation"]
        result.paths = [str(out)]
    return result
