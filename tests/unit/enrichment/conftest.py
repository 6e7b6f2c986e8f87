"""A small valid raw conversation (earlier-system.md §10.4) and a ready enrichment context."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from core.enrichment.enrich import EnrichmentContext
from core.models.scaffolding import EmotionalArc, ExpertProfile

RAW: dict[str, Any] = {
    "conversation_metadata": {
        "client_persona": "David Chen - The Pragmatic Optimist",
        "session_context": "Parents offered to fund the kids' college accounts, which he never opened",
        "conversation_phase": "initial_shame_disclosure",
        "expected_outcome": "Move from embarrassment to a concrete 529 setup plan",
    },
    "turns": [
        {
            "turn_number": 1,
            "role": "user",
            "content": "Kind of embarrassed to ask, but my kids are 5 and 7 and I still haven't opened 529s...",
            "emotional_context": {"primary_emotion": "shame", "secondary_emotion": "anxiety", "intensity": 0.85},
        },
        {
            "turn_number": 2,
            "role": "assistant",
            "content": "Thank you for telling me - this is far more common than you think...",
            "emotional_context": {"primary_emotion": "relief", "secondary_emotion": "vulnerability", "intensity": 0.65},
        },
    ],
}


@pytest.fixture
def raw() -> dict[str, Any]:
    return copy.deepcopy(RAW)


@pytest.fixture
def expert() -> ExpertProfile:
    return ExpertProfile(
        profile_key="test_expert",
        name="Ada Park",
        business="Park Planning",
        vertical="financial_planning_consultant",
        principles=["Feelings before facts", "No judgment"],
        techniques=["name emotions"],
        avoid=["jargon"],
    )


@pytest.fixture
def arc() -> EmotionalArc:
    return EmotionalArc(
        arc_key="shame_to_acceptance",
        name="Shame → Acceptance",
        starting_emotion="shame",
        ending_emotion="acceptance",
        starting_intensity_min=0.7,
        starting_intensity_max=0.9,
        ending_intensity_min=0.3,
        ending_intensity_max=0.5,
    )


@pytest.fixture
def context(expert: ExpertProfile, arc: EmotionalArc) -> EnrichmentContext:
    return EnrichmentContext(
        conversation_id="330dc058-6d75-4609-96f7-b6e87b39f536",
        created_at=datetime(2025, 12, 2, 9, 30, tzinfo=UTC),
        expert=expert,
        system_prompt="You are Ada.",
        quality_score=3.7,
        quality_tier="production",
        arc=arc,
    )
