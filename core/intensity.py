"""The emotional-arc chart's data: the planned intensity band per turn, and the conversation's own line.

An arc plans an intensity range at the start and another at the end; between them the band moves in a
straight line across the turns. The chart shades the band and draws the conversation's intensity over it,
so a reviewer sees at a glance where the conversation left the planned journey.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel


class BandPoint(BaseModel):
    turn: int
    low: float
    high: float


class IntensityPoint(BaseModel):
    turn: int
    intensity: float
    inside: bool | None = None


class IntensityChart(BaseModel):
    arc_name: str | None
    band: list[BandPoint]
    line: list[IntensityPoint]

    @property
    def outside(self) -> list[int]:
        """Turns whose intensity is outside the planned band."""
        return [p.turn for p in self.line if p.inside is False]


def band(turns: Sequence[int], start: tuple[float, float], end: tuple[float, float]) -> list[BandPoint]:
    """The planned (low, high) at each turn, moving linearly from ``start`` at the first turn to ``end`` at the last."""
    if not turns:
        return []
    first, last = min(turns), max(turns)
    span = max(last - first, 1)
    points = []
    for turn in sorted(turns):
        share = (turn - first) / span
        low = start[0] + (end[0] - start[0]) * share
        high = start[1] + (end[1] - start[1]) * share
        points.append(BandPoint(turn=turn, low=round(low, 4), high=round(high, 4)))
    return points


def intensity_chart(
    intensities: Sequence[tuple[int, float | None]],
    *,
    arc_name: str | None = None,
    start: tuple[float, float] | None = None,
    end: tuple[float, float] | None = None,
) -> IntensityChart:
    """The band (when the arc is known) and the line (turns with a recorded intensity), each point marked
    inside or outside the band."""
    turns = [turn for turn, _ in intensities]
    planned = band(turns, start, end) if start is not None and end is not None else []
    by_turn = {p.turn: p for p in planned}
    line = []
    for turn, value in intensities:
        if value is None:
            continue
        point = by_turn.get(turn)
        inside = None if point is None else point.low - 1e-9 <= value <= point.high + 1e-9
        line.append(IntensityPoint(turn=turn, intensity=value, inside=inside))
    return IntensityChart(arc_name=arc_name if planned else None, band=planned, line=line)
