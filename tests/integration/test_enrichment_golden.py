"""Golden test: the reference raw conversation enriches into the reference enriched format.

Structure (every key path, and the JSON type of every value both files fill) must match
``reference/enriched-conversation.json``; our own output is pinned byte for byte in
``golden/enriched-from-raw-reference.json`` (regenerate with ``UPDATE_GOLDEN=1`` after a deliberate change).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.bootstrap import Services
from core.conversations.store import Provenance
from core.scaffolding.defaults import install_defaults
from core.storage.blobs import CONVERSATION_FILES
from tests.support.paths import REFERENCE_DIR

REFERENCE = REFERENCE_DIR
GOLDEN = Path(__file__).parent / "golden" / "enriched-from-raw-reference.json"
CONVERSATION_ID = "330dc058-6d75-4609-96f7-b6e87b39f536"


def _shape(value: Any, path: str = "$") -> dict[str, str]:
    """Every key path (list items collapsed to ``[]``) mapped to the JSON type found there."""
    kind = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )
    found = {path: kind}
    if isinstance(value, dict):
        for key, item in value.items():
            found |= _shape(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            for sub, sub_kind in _shape(item, f"{path}[]").items():
                found[sub] = sub_kind if found.get(sub) in (None, "null") else found[sub]
    return found


@pytest.fixture
def enriched_bytes(services: Services) -> bytes:
    install_defaults(services.scaffolding)
    db = services.db
    provenance = Provenance(
        persona=db.personas.find_by(persona_key="overwhelmed_avoider"),
        arc=db.arcs.find_by(arc_key="shame_to_acceptance"),
        topic=db.topics.find_by(topic_key="grandparent_529"),
        template=db.templates.find_by(template_name="Template - Shame → Acceptance - Non-Judgment Focus"),
        expert=services.scaffolding.active_expert(),
    )
    text = (REFERENCE / "raw-conversation.json").read_text("utf-8")
    fixed = datetime(2025, 12, 2, 10, 0, tzinfo=UTC)
    services.conversations.ingest(
        text, provenance, conversation_id=CONVERSATION_ID, row_overrides={"created_at": fixed}
    )
    outcome = services.enrichment.run_one(CONVERSATION_ID)
    assert outcome.outcome == "succeeded", outcome.error
    return services.blobs.get(CONVERSATION_FILES, outcome.enriched_path or "")


def test_enriched_file_has_the_reference_structure_and_fields(enriched_bytes: bytes) -> None:
    ours = _shape(json.loads(enriched_bytes))
    theirs = _shape(json.loads((REFERENCE / "enriched-conversation.json").read_text("utf-8")))
    assert sorted(ours) == sorted(theirs)
    # Types agree wherever both hold a value (our unmeasured quality criteria are null, never invented).
    assert {p for p in ours if "null" not in (ours[p], theirs[p]) and ours[p] != theirs[p]} == set()


def test_enriched_file_matches_the_pinned_golden_file(enriched_bytes: bytes) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(enriched_bytes)
    assert enriched_bytes == GOLDEN.read_bytes()
