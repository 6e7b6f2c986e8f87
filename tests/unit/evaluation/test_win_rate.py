"""The scorecard's win rate and its 95% Wilson interval, against the formula worked by hand."""

from __future__ import annotations

import math

import pytest

from core.evaluation.stats import Z_95, wilson_interval, win_rate


def _wilson_by_hand(successes: float, n: int) -> tuple[float, float]:
    p, z = successes / n, 1.96
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def test_known_counts_give_the_published_interval() -> None:
    # 8 wins, 2 losses, no ties: Wilson 95% is about [0.490, 0.943] (Newcombe 1998, table I style values)
    rate = win_rate(8, 0, 2)
    assert rate.win_rate == 0.8
    assert rate.ci_low == pytest.approx(0.4902, abs=1e-4)
    assert rate.ci_high == pytest.approx(0.9433, abs=1e-4)


@pytest.mark.parametrize(("wins", "ties", "losses"), [(15, 4, 6), (1, 0, 0), (0, 3, 0), (0, 0, 5), (40, 10, 50)])
def test_ties_count_as_half_a_win_and_the_interval_is_wilsons(wins: int, ties: int, losses: int) -> None:
    rate = win_rate(wins, ties, losses)
    n = wins + ties + losses
    assert rate.win_rate == pytest.approx((wins + ties / 2) / n, abs=1e-4)
    low, high = _wilson_by_hand(wins + ties / 2, n)
    assert rate.ci_low == pytest.approx(max(low, 0.0), abs=2e-4)
    assert rate.ci_high == pytest.approx(min(high, 1.0), abs=2e-4)
    assert 0.0 <= rate.ci_low <= rate.win_rate <= rate.ci_high <= 1.0


def test_all_ties_is_a_coin_and_more_data_narrows_the_interval() -> None:
    few, many = win_rate(0, 4, 0), win_rate(0, 400, 0)
    assert few.win_rate == many.win_rate == 0.5
    assert (many.ci_high or 0) - (many.ci_low or 0) < (few.ci_high or 0) - (few.ci_low or 0)


def test_nothing_judged_has_no_rate() -> None:
    rate = win_rate(0, 0, 0)
    assert rate.win_rate is None and rate.ci_low is None and rate.ci_high is None
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
    assert pytest.approx(1.96, abs=1e-3) == Z_95
