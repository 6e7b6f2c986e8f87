"""Histogram bins come in numeric order with numeric edges (never sorted as text)."""

from __future__ import annotations

from core.export.histograms import capped_histogram, categories, histogram


def test_bins_are_in_numeric_order_not_text_order() -> None:
    result = histogram([700, 1200, 2100, 2400, 450, 1800], width=500, title="Tokens", unit="tokens")
    starts = [b.start for b in result.bins]
    assert starts == [0, 500, 1000, 1500, 2000]  # text order would put "1000–1500" before "500–1000"
    assert [b.count for b in result.bins] == [1, 1, 1, 1, 2]


def test_quality_bins_sort_four_before_four_and_a_half() -> None:
    result = capped_histogram([3.6, 4.2, 4.7, 5.0, 4.0], width=0.5, top=5.0, title="Quality", unit="score")
    assert [b.label for b in result.bins] == ["3.5–4", "4–4.5", "4.5–5"]
    assert [b.count for b in result.bins] == [1, 2, 2]  # 5.0 counts in the top bin, not in a "5–5.5" bin


def test_empty_bins_inside_the_range_are_kept() -> None:
    result = histogram([0.1, 0.9], width=0.2, title="Intensity", unit="")
    assert [b.count for b in result.bins] == [1, 0, 0, 0, 1]


def test_missing_values_are_counted_apart() -> None:
    result = histogram([None, 2.0, None], width=1, title="x", unit="")
    assert result.missing == 2 and [b.count for b in result.bins] == [1]


def test_rows_carry_numeric_edges_for_the_axis() -> None:
    rows = histogram([1.0, 3.5], width=1, title="x", unit="").rows()
    assert [(r["start"], r["end"]) for r in rows] == [(1, 2), (2, 3), (3, 4)]
    assert all(isinstance(r["start"], float | int) for r in rows)


def test_categories_most_frequent_first() -> None:
    found = categories(["calm", "anger", "calm", None])
    assert [(c.name, c.count) for c in found] == [("Calm", 2), ("Anger", 1), ("Not recorded", 1)]


def test_nothing_gives_no_bins() -> None:
    assert histogram([], width=1, title="x", unit="").bins == []


def test_whole_number_bins_are_labelled_by_their_number() -> None:
    turns = histogram([2, 4, 4, 6], width=1, title="Turns", unit="turns", whole_numbers=True)
    assert [row["label"] for row in turns.rows()] == ["2", "3", "4", "5", "6"]
    assert [row["count"] for row in turns.rows()] == [1, 0, 2, 0, 1]


def test_the_turns_chart_puts_whole_numbers_on_its_axis_in_numeric_order() -> None:
    from pages._charts import histogram_chart

    turns = histogram([8, 9, 10, 12], width=1, title="Turns", unit="turns", whole_numbers=True)
    x = histogram_chart(turns).to_dict()["encoding"]["x"]
    assert x["type"] == "ordinal"
    assert x["sort"] == ["8", "9", "10", "11", "12"]  # 10 after 9, not after 1


def test_emotion_categories_are_words_not_keys() -> None:
    found = categories(["cautious_relief", "cautious_relief", None])
    assert [(c.name, c.count) for c in found] == [("Cautious relief", 2), ("Not recorded", 1)]
