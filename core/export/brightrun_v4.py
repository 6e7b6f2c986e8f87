"""The earlier system's training file, ``brightrun-lora-v4`` (earlier-system.md §6.2–6.3), written streaming.

Kept as the reference file has it: key order, two-space indent, pairs verbatim, JSONL ``_meta`` first and
one line per assistant pair without a trailing newline. Computed the way the earlier system did, with
two deliberate differences:

- ``quality_summary`` counts only *measured* scores (the row's ``quality_score``); the pairs'
  ``training_metadata.quality_score`` is a filler the earlier enrichment wrote (it is not a measurement), so a
  file of unscored conversations reports 0s, as the reference file does.
- ``human_reviewed_count`` counts conversations a person reviewed (not the importer), instead of always 0.

Both files need totals before the conversations, so conversations stream to temporary files first and
the head is written once the totals are known: memory holds one conversation at a time.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from core.export.ids import UniqueIds, jsonl_id, unique_pair
from core.export.scaffolding_fields import kept_from_import, scaffolding_of, tier_of
from core.export.selection import ExportItem
from core.jsonutil import dumps_compact
from core.models.base import utcnow

VERSION = "4.0.0"
FORMAT_SPEC = "brightrun-lora-v4"
JSONL_FIELDS = (
    "conversation_metadata",
    "system_prompt",
    "conversation_history",
    "current_user_input",
    "emotional_context",
    "target_response",
    "training_metadata",
)


def iso_z(moment: datetime) -> str:
    """``2025-12-02T00:46:49.330Z``, the JavaScript ``toISOString`` form the reference uses."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _created_date(item: ExportItem) -> str:
    stated = (item.enriched.get("dataset_metadata") or {}).get("created_date")
    if isinstance(stated, str) and len(stated) == 10:
        return stated
    return item.row.created_at.date().isoformat()


def conversation_entry(item: ExportItem, ids: UniqueIds | None = None, *, name_prefix: str = "fp") -> dict[str, Any]:
    """One conversation of the file: fields an imported file carried (``batch_id``, unknown keys) ride along."""
    cid = item.row.conversation_id
    ids = ids or UniqueIds()
    pairs = [unique_pair(p, ids, cid) for p in item.pairs]
    kept = kept_from_import(item.enriched)
    stated = kept.get("conversation_metadata")
    original: dict[str, Any] = stated if isinstance(stated, dict) else {}
    metadata: dict[str, Any] = {
        "conversation_id": cid,
        "source_file": f"{name_prefix}_conversation_{cid}.json",
        "created_date": _created_date(item),
        "total_turns": len(pairs),
        "quality_tier": tier_of(item.row, pairs),
        "scaffolding": scaffolding_of(item.row, item.pairs, original.get("scaffolding")),
    }
    metadata |= {k: v for k, v in original.items() if k not in metadata}
    entry_extra = kept.get("entry")
    extra: dict[str, Any] = entry_extra if isinstance(entry_extra, dict) else {}
    return {"conversation_metadata": metadata, "training_pairs": pairs} | {
        k: v for k, v in extra.items() if k not in ("conversation_metadata", "training_pairs")
    }


def jsonl_records(item: ExportItem, ids: UniqueIds | None = None) -> Iterator[dict[str, Any]]:
    """One record per assistant pair; ids gain the conversation's tag so they are unique in a file.

    Should two still meet (one conversation re-using a pair id), a counter follows and ``original_id``
    keeps the id the pair came with.
    """
    cid = item.row.conversation_id
    ids = ids or UniqueIds()
    for pair in item.pairs:
        if pair.get("target_response") is None:
            continue
        unique, renamed_from = jsonl_id(pair, ids, cid)
        head: dict[str, Any] = {"id": unique}
        if renamed_from is not None:
            head["original_id"] = renamed_from
        head |= {"conversation_id": cid, "turn_number": pair.get("turn_number")}
        yield head | {k: pair.get(k) for k in JSONL_FIELDS}


@dataclass
class Summary:
    """Running totals of what a file holds (constant memory)."""

    conversations: int = 0
    pairs: int = 0
    jsonl_lines: int = 0
    scored: int = 0
    score_sum: float = 0.0
    score_min: float | None = None
    score_max: float | None = None
    human_reviewed: int = 0
    distribution: dict[str, Counter[str]] = field(
        default_factory=lambda: {"personas": Counter(), "emotional_arcs": Counter(), "training_topics": Counter()}
    )

    def add(self, item: ExportItem, entry: dict[str, Any]) -> None:
        self.conversations += 1
        self.pairs += len(entry["training_pairs"])
        score = item.row.quality_score
        if score is not None:
            self.scored += 1
            self.score_sum += score
            self.score_min = score if self.score_min is None else min(self.score_min, score)
            self.score_max = score if self.score_max is None else max(self.score_max, score)
        if item.reviewed_by_person:
            self.human_reviewed += 1
        keys = entry["conversation_metadata"]["scaffolding"]
        for name, key in (
            ("personas", "persona_key"),
            ("emotional_arcs", "emotional_arc_key"),
            ("training_topics", "training_topic_key"),
        ):
            if keys[key]:
                self.distribution[name][keys[key]] += 1

    def quality_summary(self) -> dict[str, Any]:
        scored = self.scored > 0
        return {
            "avg_quality_score": round(self.score_sum / self.scored, 2) if scored else 0,
            "min_quality_score": self.score_min if scored else 0,
            "max_quality_score": self.score_max if scored else 0,
            "human_reviewed_count": self.human_reviewed,
            "human_reviewed_percentage": round(100 * self.human_reviewed / self.conversations, 1)
            if self.human_reviewed
            else 0,
        }

    def scaffolding_distribution(self) -> dict[str, dict[str, int]]:
        return {name: dict(sorted(counts.items())) for name, counts in self.distribution.items()}


def file_metadata(
    file_name: str,
    summary: Summary,
    *,
    vertical: str,
    created: datetime,
    updated: datetime,
    kept: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The file's head; ``kept`` holds keys an imported file had beyond ours (``target_model``, unknown keys)."""
    head = {
        "file_name": file_name,
        "version": VERSION,
        "created_date": iso_z(created),
        "last_updated": iso_z(updated),
        "format_spec": FORMAT_SPEC,
        "vertical": vertical,
        "total_conversations": summary.conversations,
        "total_training_pairs": summary.pairs,
        "quality_summary": summary.quality_summary(),
        "scaffolding_distribution": summary.scaffolding_distribution(),
    }
    extra = dict(kept or {})
    if "target_model" in extra:  # where the earlier system put it: after format_spec
        ordered = {}
        for key, value in head.items():
            ordered[key] = value
            if key == "format_spec":
                ordered["target_model"] = extra.pop("target_model")
        head = ordered
    return head | {k: v for k, v in extra.items() if k not in head}


def _nested(value: Any, indent: str) -> str:
    """``value`` as two-space indented JSON, placed at ``indent`` depth (same bytes as one big dumps)."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)


@dataclass
class V4Defaults:
    """What to write when no conversation says otherwise (an empty file)."""

    consultant_profile: dict[str, Any] = field(default_factory=dict)
    vertical: str = "general_consulting"
    #: Names each conversation's ``source_file`` (``{prefix}_conversation_{id}.json``): the project's slug.
    name_prefix: str = "fp"
    #: The project's own expert: the header names them, whatever the first conversation's file said.
    from_project: bool = False


def write_v4(
    items: Iterable[ExportItem],
    json_out: Path,
    jsonl_out: Path,
    *,
    file_name: str,
    created: datetime | None = None,
    updated: datetime | None = None,
    defaults: V4Defaults | None = None,
) -> Summary:
    """Write the full JSON and the JSONL of ``items``; returns what they hold."""
    defaults = defaults or V4Defaults()
    summary = Summary()
    profile, vertical = defaults.consultant_profile, defaults.vertical
    kept_file: dict[str, Any] = {}
    pair_ids, line_ids = UniqueIds(), UniqueIds()
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as body,
        tempfile.TemporaryFile("w+", encoding="utf-8") as lines,
    ):
        for item in items:
            entry = conversation_entry(item, pair_ids, name_prefix=defaults.name_prefix)
            if summary.conversations == 0 and not defaults.from_project:
                profile = item.enriched.get("consultant_profile") or profile
                vertical = (item.enriched.get("dataset_metadata") or {}).get("vertical") or vertical
            if summary.conversations == 0:
                kept = kept_from_import(item.enriched).get("training_file_metadata")
                kept_file = kept if isinstance(kept, dict) else {}
            body.write(("," if summary.conversations else "") + "\n    " + _nested(entry, "    "))
            summary.add(item, entry)
            for record in jsonl_records(item, line_ids):
                lines.write("\n" + dumps_compact(record))
                summary.jsonl_lines += 1
        created = created or utcnow()
        meta = file_metadata(
            file_name, summary, vertical=vertical, created=created, updated=updated or utcnow(), kept=kept_file
        )
        json_out.parent.mkdir(parents=True, exist_ok=True)
        with json_out.open("w", encoding="utf-8", newline="\n") as out:
            out.write('{\n  "training_file_metadata": ' + _nested(meta, "  "))
            out.write(',\n  "consultant_profile": ' + _nested(profile, "  "))
            out.write(',\n  "conversations": [')
            _copy(body, out)
            out.write("\n  ]\n}" if summary.conversations else "]\n}")
        jsonl_out.parent.mkdir(parents=True, exist_ok=True)
        with jsonl_out.open("w", encoding="utf-8", newline="\n") as out:
            head = {"file_name": file_name, "total_pairs": summary.pairs, "version": VERSION}
            out.write(dumps_compact({"_meta": head}))
            _copy(lines, out)
    return summary


def _copy(source: IO[str], target: IO[str]) -> None:
    source.seek(0)
    shutil.copyfileobj(source, target, 1 << 20)


def jsonl_path_for(json_path: Path) -> Path:
    """``--out NAME.json`` writes ``NAME.json`` and ``NAME.jsonl``."""
    return json_path.with_suffix(".jsonl")
