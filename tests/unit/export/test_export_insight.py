"""Insight: gaps for a batch plan, distributions, near-duplicates and repeated openings."""

from __future__ import annotations

from core.export.insight import (
    Cell,
    Coverage,
    batch_commands,
    distributions,
    gap_triples,
    near_duplicates,
    repeated_openings,
)
from core.models.conversation import Conversation

TEXT = "i feel ashamed that i never opened the college accounts for my kids and now my parents want to help us save"


def test_gaps_are_suited_cells_below_the_approved_target() -> None:
    cells = [
        Cell(persona_key="p", arc_key="a", topic_key="t1", generated=3, approved=2),
        Cell(persona_key="p", arc_key="a", topic_key="t2", generated=1, approved=0),
        Cell(persona_key="p", arc_key="a", topic_key="t3", suited=False),
    ]
    coverage = Coverage(personas=["p"], arcs=["a"], topics=["t1", "t2", "t3"], cells=cells)
    assert gap_triples(coverage) == [("p", "a", "t2")]
    assert gap_triples(coverage, min_approved=3) == [("p", "a", "t1"), ("p", "a", "t2")]


def test_near_duplicates_are_flagged_and_different_texts_are_not() -> None:
    texts = {
        "a": TEXT,
        "b": TEXT + " today",
        "c": "retirement income planning with a pension and annuity questions galore",
    }
    found = near_duplicates(texts, threshold=0.7)
    assert [(x, y) for x, y, _ in found] == [("a", "b")]
    assert found[0][2] >= 0.7


def test_repeated_openings_group_conversations_starting_alike() -> None:
    texts = {"a": TEXT, "b": TEXT.replace("kids", "children"), "c": "hello there, a different start entirely"}
    assert repeated_openings(texts) == [["a", "b"]]


def test_distributions_count_turns_emotions_and_quality() -> None:
    rows = [
        Conversation(turn_count=8, starting_emotion="shame", quality_score=4.6, emotional_intensity_start=0.85),
        Conversation(turn_count=8, starting_emotion="shame", quality_score=None),
    ]
    tables = distributions(rows)
    assert tables["turns"] == {"8": 2}
    assert tables["starting_emotion"] == {"shame": 2}
    assert tables["quality"] == {"(none)": 1, "4.5–5": 1}
    assert tables["intensity"] == {"(none)": 1, "0.8–1": 1}


def test_batch_commands_cover_exactly_the_gaps_grouped_by_persona_and_arc() -> None:
    gaps = [("p", "a", "t1"), ("p", "a", "t2"), ("q", "a", "t1")]
    assert batch_commands(gaps) == [
        "python -m core batch create --personas p --arcs a --topics t1,t2",
        "python -m core batch create --personas q --arcs a --topics t1",
    ]
