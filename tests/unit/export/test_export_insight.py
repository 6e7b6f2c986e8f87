"""Insight: gaps for a batch plan, distributions, near-duplicates and repeated openings."""

from __future__ import annotations

from core.export.duplicates import matching_passages
from core.export.insight import (
    Cell,
    Coverage,
    DuplicatePair,
    batch_commands,
    explain_pairs,
    gap_triples,
    heatmap,
    histograms,
    near_duplicates,
    plan_for,
    repeated_openings,
)
from core.models.conversation import Conversation
from core.names import Names

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


def test_histograms_are_numeric_and_in_order() -> None:
    rows = [
        Conversation(turn_count=8, quality_score=4.6, emotional_intensity_start=0.85),
        Conversation(turn_count=6, quality_score=4.1, emotional_intensity_start=1.0),
        Conversation(turn_count=10, quality_score=None),
    ]
    found = histograms(rows)
    assert [(b.start, b.count) for b in found["turns"].bins] == [(6, 1), (7, 0), (8, 1), (9, 0), (10, 1)]
    quality = found["quality"]
    assert [b.start for b in quality.bins] == sorted(b.start for b in quality.bins)
    assert quality.missing == 1 and sum(b.count for b in quality.bins) == 2
    assert found["intensity"].bins[-1].end == 1.0  # an intensity of exactly 1 stays on the scale


def _cov() -> Coverage:
    cells = [
        Cell(persona_key="widow", arc_key="grief", topic_key="t1", generated=2, approved=1),
        Cell(persona_key="widow", arc_key="grief", topic_key="t2", generated=1, approved=0),
        Cell(persona_key="widow", arc_key="grief", topic_key="t3", suited=False),
        Cell(persona_key="widow", arc_key="calm", topic_key="t1"),
    ]
    return Coverage(personas=["widow"], arcs=["calm", "grief"], topics=["t1", "t2", "t3"], cells=cells)


def test_heatmap_sums_topics_per_persona_and_arc_with_names() -> None:
    names = Names(personas={"widow": "Evelyn Park"}, arcs={"grief": "Grieving → Healing"})
    squares = {(c.persona_key, c.arc_key): c for c in heatmap(_cov(), names)}
    grief = squares[("widow", "grief")]
    assert (grief.persona, grief.arc) == ("Evelyn Park", "Grieving → Healing")
    assert (grief.generated, grief.approved, grief.suited_topics, grief.gaps) == (3, 1, 2, ["t2"])
    calm = squares[("widow", "calm")]
    assert calm.arc == "Calm" and calm.approved == 0 and calm.gaps == ["t1"]  # an unnamed key, in words


def test_a_plan_for_squares_lists_exactly_their_gaps() -> None:
    squares = heatmap(_cov(), Names())
    planned = plan_for(squares)
    assert planned == [
        {"persona_key": "widow", "arc_key": "grief", "topic_key": "t2"},
        {"persona_key": "widow", "arc_key": "calm", "topic_key": "t1"},
    ]
    assert {(p["persona_key"], p["arc_key"], p["topic_key"]) for p in planned} == set(gap_triples(_cov()))


def test_matching_passages_find_the_turns_that_overlap() -> None:
    left = ["hello there friend", TEXT, "goodbye for now"]
    right = ["something else entirely said", "and more", TEXT + " today"]
    i, j, overlap = matching_passages(left, right)
    assert (i, j) == (1, 2) and overlap > 0.8


def test_duplicate_pairs_carry_names_not_ids() -> None:
    a = Conversation(persona_key="widow", emotional_arc_key="grief", topic_key="t1")
    b = Conversation(conversation_name="Someone - Somebody")
    pairs = explain_pairs(
        [(a.conversation_id, b.conversation_id, 0.9)],
        {a.conversation_id: a, b.conversation_id: b},
        Names(personas={"widow": "Evelyn Park"}, topics={"t1": "529 plans"}),
        None,
    )
    assert pairs == [
        DuplicatePair(
            left_id=a.conversation_id,
            right_id=b.conversation_id,
            left_name="Evelyn Park · Grief · 529 plans",
            right_name="Someone - Somebody",
            similarity=0.9,
        )
    ]


def test_batch_commands_cover_exactly_the_gaps_grouped_by_persona_and_arc() -> None:
    gaps = [("p", "a", "t1"), ("p", "a", "t2"), ("q", "a", "t1")]
    assert batch_commands(gaps) == [
        "python -m core batch create --personas p --arcs a --topics t1,t2",
        "python -m core batch create --personas q --arcs a --topics t1",
    ]
