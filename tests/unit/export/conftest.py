"""Export fixtures: the reference training file's conversations as export items, no database needed."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.export.selection import ExportItem
from core.models.conversation import Conversation
from tests.support.paths import REFERENCE_DIR

REFERENCE = REFERENCE_DIR / "training-file-brightrun-lora-v4.json"
GOLDEN = Path(__file__).resolve().parent / "golden"


def reference_file() -> dict[str, Any]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def items_from_reference(data: dict[str, Any]) -> list[ExportItem]:
    """What the importer stores for each conversation of a v4 file, as export items."""
    meta = data["training_file_metadata"]
    items = []
    for index, entry in enumerate(data["conversations"]):
        conv = entry["conversation_metadata"]
        row = Conversation(
            conversation_id=conv["conversation_id"],
            created_at=datetime(2025, 12, 2, 0, 0, index, tzinfo=UTC),
            review_status="approved" if index < 2 else "rejected",
            reviewed_by="import",
            enrichment_status="completed",
            quality_details={"imported_quality_tier": conv["quality_tier"]},
            input_parameters={"persona_name": conv["scaffolding"]["persona_name"]},
        )
        enriched = {
            "dataset_metadata": {"created_date": conv["created_date"], "vertical": meta["vertical"]},
            "consultant_profile": data["consultant_profile"],
            "training_pairs": entry["training_pairs"],
        }
        items.append(ExportItem(row, enriched))
    return items


@pytest.fixture
def reference_items() -> list[ExportItem]:
    return items_from_reference(reference_file())


def assert_golden(name: str, actual: str) -> None:
    """Compare with ``golden/<name>``; ``UPDATE_GOLDEN=1`` rewrites it (review the diff before committing)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"
