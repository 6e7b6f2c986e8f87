"""The arc band moves linearly from the planned start range to the planned end range; points outside are marked."""

from __future__ import annotations

from core.intensity import band, intensity_chart


def test_the_band_runs_from_the_start_range_to_the_end_range() -> None:
    points = band([1, 2, 3, 4, 5], start=(0.7, 0.9), end=(0.2, 0.4))
    assert (points[0].low, points[0].high) == (0.7, 0.9)
    assert (points[-1].low, points[-1].high) == (0.2, 0.4)
    assert (points[2].low, points[2].high) == (0.45, 0.65)
    assert [p.turn for p in points] == [1, 2, 3, 4, 5]


def test_turns_outside_the_band_are_listed() -> None:
    chart = intensity_chart(
        [(1, 0.8), (2, None), (3, 0.95)], arc_name="Grieving → Healing", start=(0.7, 0.9), end=(0.2, 0.4)
    )
    assert [p.turn for p in chart.line] == [1, 3]  # a turn without an intensity is not drawn
    assert chart.outside == [3]
    assert chart.arc_name == "Grieving → Healing"


def test_without_an_arc_there_is_only_the_line() -> None:
    chart = intensity_chart([(1, 0.5), (2, 0.4)], arc_name="Unknown")
    assert chart.band == [] and chart.arc_name is None
    assert [p.inside for p in chart.line] == [None, None]


def test_a_single_turn_gets_the_start_range() -> None:
    assert [(p.low, p.high) for p in band([1], start=(0.6, 0.8), end=(0.1, 0.2))] == [(0.6, 0.8)]


def test_the_conversation_chart_shades_the_band_and_names_it_in_the_legend() -> None:
    from core.models.conversation import Conversation
    from core.review.detail import ArcBands, ConversationDetail, TurnView
    from pages._charts import conversation_intensity_chart

    detail = ConversationDetail(
        conversation=Conversation(),
        turns=[TurnView(turn_number=n, role="user", content="x", intensity=v) for n, v in ((1, 0.8), (2, 0.5))],
        bands=ArcBands(arc_name="Grieving → Healing", start_min=0.7, start_max=0.9, end_min=0.2, end_max=0.4),
    )
    chart = conversation_intensity_chart(detail)
    assert chart is not None
    spec = chart.to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["area", "line"]
    legend = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert legend == ["Planned range: Grieving → Healing", "This conversation"]
