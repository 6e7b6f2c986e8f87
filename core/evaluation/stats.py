"""The win rate of a scorecard and its 95% confidence interval.

Win rate: ``(wins + ties / 2) / (wins + ties + losses)`` — a tie counts as half a win, so a model that
ties every time scores 0.5, as a coin would. Failures (a judge reply that never parsed) are not counted.

Interval: the **Wilson score interval** at 95% (z = 1.959964) on that rate with ``n = wins + ties +
losses`` (Wilson, 1927; Agresti & Coull, 1998). Unlike the plain normal interval it stays inside [0, 1]
and is not degenerate at 0 or 1 wins, which matters for the few dozen turns a held-out set gives.
"""

from __future__ import annotations

import math

from pydantic import BaseModel

Z_95 = 1.959963984540054


class WinRate(BaseModel):
    wins: int
    ties: int
    losses: int
    win_rate: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def judged(self) -> int:
        return self.wins + self.ties + self.losses


def wilson_interval(successes: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of ``successes`` out of ``n`` (``successes`` may be fractional: ties as half)."""
    if n <= 0:
        raise ValueError("the interval needs at least one judged pair")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def win_rate(wins: int, ties: int, losses: int) -> WinRate:
    """The tuned model's win rate over its base, ties as half, with its 95% Wilson interval (``None`` when
    nothing was judged)."""
    n = wins + ties + losses
    if n == 0:
        return WinRate(wins=0, ties=0, losses=0, win_rate=None, ci_low=None, ci_high=None)
    successes = wins + ties / 2
    low, high = wilson_interval(successes, n)
    return WinRate(
        wins=wins,
        ties=ties,
        losses=losses,
        win_rate=round(successes / n, 4),
        ci_low=round(low, 4),
        ci_high=round(high, 4),
    )
