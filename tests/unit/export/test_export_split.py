"""The seeded split: stable, close to the ratio, one side per conversation."""

from __future__ import annotations

import uuid
from pathlib import Path

from core.export.common import ExportOptions, write_jsonl
from core.export.openai_chat import records
from core.export.selection import ExportItem
from core.export.split import assign


def test_split_is_the_same_for_the_same_seed_and_differs_for_another() -> None:
    ids = [str(uuid.UUID(int=i)) for i in range(200)]
    first = [assign(i, 0.2, seed=1) for i in ids]
    assert first == [assign(i, 0.2, seed=1) for i in ids]
    assert first != [assign(i, 0.2, seed=2) for i in ids]


def test_split_share_is_close_to_the_ratio() -> None:
    sides = [assign(str(uuid.uuid4()), 0.1) for _ in range(5000)]
    assert 0.08 < sides.count("validation") / len(sides) < 0.12


def test_per_turn_examples_of_one_conversation_stay_on_one_side(
    reference_items: list[ExportItem], tmp_path: Path
) -> None:
    options = ExportOptions(per_turn=True, split=0.5, seed=3)
    result = write_jsonl("openai", reference_items, tmp_path / "o.jsonl", options, records)
    expected = {"train": 0, "validation": 0}
    for item in reference_items:
        expected[options.split_of(item)] += 2
    assert result.examples == {k: v for k, v in expected.items() if v or k == "train"}


def test_the_page_description_of_an_export_names_no_server_path() -> None:
    from core.export.common import ExportResult

    result = ExportResult(
        format="openai", paths=["/srv/data/exports/abc/train.jsonl"], conversations=3, examples={"train": 5}
    )
    assert result.description() == "3 conversations, 5 examples (5 for train)."
    assert "/srv" in result.summary() and "/srv" not in result.description()
