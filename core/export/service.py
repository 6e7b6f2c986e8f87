"""Export conversations to a file or folder in one of the formats trainers load, then validate it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from core.conversations.store import ConversationStore
from core.errors import ExportError, ValidationError
from core.export import kto, openai_chat, sharegpt
from core.export.brightrun_v4 import V4Defaults, jsonl_path_for, write_v4
from core.export.common import FORMATS, ExportOptions, ExportResult, validation_path, write_jsonl
from core.export.downloads import Download, check_destination, downloads, unwritable
from core.export.dpo import write_dpo
from core.export.huggingface import write_hf
from core.export.messages import RatingsHook, no_ratings
from core.export.preferences import PicksSource, preference_pairs
from core.export.selection import (
    ExportItem,
    Selection,
    TruncationTally,
    count,
    iter_items,
    iter_rows,
    parse_statuses,
    truncated_counts,
)
from core.export.split import DEFAULT_SEED, Split, assign, check_ratio
from core.export.validate import ValidationReport, validate_export
from core.models.projects import DEFAULT_PROJECT_SLUG, conversation_prefix
from core.models.statuses import Review
from core.scaffolding.service import ScaffoldingService

FILE_NAMES = {
    "brightrun-v4": "training.json",
    "openai": "openai.jsonl",
    "sharegpt": "sharegpt.jsonl",
    "kto": "kto.jsonl",
    "dpo": "dpo.jsonl",
    "hf": "dataset",
}
JSONL_RECORDS = {"openai": openai_chat.records, "sharegpt": sharegpt.records, "kto": kto.records}


class ExportService:
    """``ratings_for`` is the hook for per-turn review ratings (none until the review feature wires it)."""

    def __init__(
        self,
        store: ConversationStore,
        scaffolding: ScaffoldingService,
        *,
        ratings_for: RatingsHook = no_ratings,
        picks: PicksSource = tuple,
        project_slug: str = DEFAULT_PROJECT_SLUG,
    ) -> None:
        self.store = store
        self.scaffolding = scaffolding
        self.project_slug = project_slug
        self.ratings_for = ratings_for
        self.picks = picks

    def selection(
        self,
        fmt: str,
        status: str | None = None,
        conversation_ids: list[str] | None = None,
        *,
        include_truncated: bool = False,
    ) -> Selection:
        """``status`` as the CLI takes it; KTO defaults to approved and rejected (its two labels)."""
        default = kto.DEFAULT_STATUSES if fmt == "kto" else (Review.APPROVED,)
        ids = tuple(conversation_ids) if conversation_ids is not None else None
        statuses = parse_statuses(status, default=default)
        return Selection(statuses=statuses, conversation_ids=ids, include_truncated=include_truncated)

    def count(self, selection: Selection) -> int:
        return count(self.store, selection)

    def v4_defaults(self) -> V4Defaults:
        """The file header's expert: the project's (in a project of one's own it wins over what the first
        conversation's file says; the first project keeps the earlier system's reading, for its old files)."""
        prefix = conversation_prefix(self.project_slug)
        expert = self.scaffolding.active_expert()
        if expert is None:
            return V4Defaults(name_prefix=prefix)
        return V4Defaults(
            consultant_profile=expert.consultant_profile(),
            vertical=expert.vertical,
            name_prefix=prefix,
            from_project=self.project_slug != DEFAULT_PROJECT_SLUG,
        )

    def export(
        self,
        fmt: str,
        out: Path,
        *,
        status: str | None = None,
        per_turn: bool = False,
        split: float | None = None,
        seed: int = DEFAULT_SEED,
        conversation_ids: list[str] | None = None,
        file_name: str | None = None,
        include_truncated: bool = False,
    ) -> ExportResult:
        """Write the selected conversations to ``out`` (a file, or a folder for ``hf``), streaming.

        Conversations with an answer cut off mid-sentence are left out unless ``include_truncated``; the
        result says how many answers that concerned either way.
        """
        if fmt not in FORMATS:
            raise ValidationError(f"Unknown export format '{fmt}'.", hint=f"Use one of: {', '.join(FORMATS)}.")
        check_destination(fmt, out)
        if fmt == "dpo":
            return self.export_dpo(out)
        selection = self.selection(fmt, status, conversation_ids, include_truncated=include_truncated)
        # Left out: counted here (their files are read only for that). Included: counted while they stream past.
        left_out = (0, 0) if include_truncated else truncated_counts(self.store, selection)
        if self.count(selection) == 0:
            wanted = "any review status" if selection.statuses is None else " or ".join(selection.statuses)
            note = f" ({left_out[0]} truncated left out)" if left_out[0] else ""
            raise ExportError(
                f"No conversations to export: none is {wanted} with enrichment completed{note}.",
                hint="Approve enriched conversations on the Review page first.",
                terminal_hint="Approve enriched conversations on the Review page, or pick another --status.",
            )
        tally = TruncationTally()
        ratio = check_ratio(split)

        def items(side: Split | None = None) -> Iterator[ExportItem]:
            found = iter_items(self.store, iter_rows(self.store, selection))
            return tally.watch(
                i for i in found if side is None or assign(i.row.conversation_id, ratio, seed=seed) == side
            )

        try:
            if fmt == "brightrun-v4" and ratio:
                result = self._write_v4_split(out, items, file_name=file_name or out.stem)
            else:
                result = self._write(fmt, out, items(), per_turn=per_turn, split=split, seed=seed, file_name=file_name)
        except OSError as err:
            raise unwritable(out, err.strerror or type(err).__name__) from None
        result.truncated_included = include_truncated
        if include_truncated:
            result.truncated_conversations, result.truncated_answers = tally.conversations, tally.answers
        else:
            result.truncated_conversations, result.truncated_answers = left_out
        return result

    def export_dpo(self, out: Path) -> ExportResult:
        """Preference pairs (blind A/B picks, regenerated conversations) in TRL's DPO format, each pair once."""
        pairs, sources = preference_pairs(self.store, self.picks)
        if not pairs:
            raise ExportError(
                "No preference pairs to export yet: no blind A/B pick chose an answer, and no regenerated "
                "conversation was approved while the attempt it replaced was archived or rejected.",
                hint="Pick the better answers in the blind A/B queue on the Review page first.",
            )
        try:
            return write_dpo(pairs, out, sources=sources)
        except OSError as err:
            raise unwritable(out, err.strerror or type(err).__name__) from None

    def _write(
        self,
        fmt: str,
        out: Path,
        items: Iterator[ExportItem],
        *,
        per_turn: bool,
        split: float | None,
        seed: int,
        file_name: str | None,
    ) -> ExportResult:
        options = ExportOptions(per_turn=per_turn, split=check_ratio(split), seed=seed, ratings_for=self.ratings_for)
        if fmt == "brightrun-v4":
            jsonl = jsonl_path_for(out)
            summary = write_v4(items, out, jsonl, file_name=file_name or out.stem, defaults=self.v4_defaults())
            return ExportResult(
                format=fmt,
                paths=[str(out), str(jsonl)],
                conversations=summary.conversations,
                examples={"train": summary.jsonl_lines},
            )
        if fmt == "hf":
            return write_hf(items, out, options, name=file_name or out.name)
        return write_jsonl(fmt, items, out, options, JSONL_RECORDS[fmt])

    def _write_v4_split(
        self, out: Path, items: Callable[[Split | None], Iterator[ExportItem]], *, file_name: str
    ) -> ExportResult:
        """A ``brightrun-v4`` export with ``--split``: a train file and a validation file (each its JSON and JSONL),
        conversations assigned the same way as every other format's split."""
        train = write_v4(items("train"), out, jsonl_path_for(out), file_name=file_name, defaults=self.v4_defaults())
        held_out = validation_path(out)
        validation = write_v4(
            items("validation"),
            held_out,
            jsonl_path_for(held_out),
            file_name=f"{file_name} (validation)",
            defaults=self.v4_defaults(),
        )
        result = ExportResult(
            format="brightrun-v4",
            paths=[str(out), str(jsonl_path_for(out)), str(held_out), str(jsonl_path_for(held_out))],
            conversations=train.conversations + validation.conversations,
            examples={"train": train.jsonl_lines, "validation": validation.jsonl_lines},
        )
        if train.conversations == 0:
            for path in result.paths:
                Path(path).unlink()
            raise ExportError(
                f"The split put all {validation.conversations} conversations in the validation file, none to train on.",
                hint="Choose a smaller validation share.",
                terminal_hint="Give a smaller --split (e.g. 0.1), or another --seed.",
            )
        if validation.conversations == 0:  # an empty file does not load in trainers: leave it out
            for path in result.paths[2:]:
                Path(path).unlink()
            result.paths, result.examples = result.paths[:2], {"train": train.jsonl_lines}
        return result

    def export_for_download(
        self, fmt: str, folder: Path, **options: Any
    ) -> tuple[ExportResult, ValidationReport, list[Download]]:
        """Export into ``folder`` under the format's usual name, validate, and list the files to offer."""
        result = self.export(fmt, folder / FILE_NAMES.get(fmt, fmt), **options)
        return result, self.validate(result), downloads(result)

    def validate(self, result: ExportResult, *, load_with_datasets: bool = True) -> ValidationReport:
        return validate_export(result, load_with_datasets=load_with_datasets)
