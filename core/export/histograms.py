"""Histogram data for the Export page's charts: numeric bins in numeric order, never sorted as text.

Each bin carries its numeric edges (``start``, ``end``) so a chart draws a numeric axis; ``label`` is
only for tooltips. Empty bins between the lowest and highest value are kept (a gap is information),
and values that are missing are counted apart, not as a bin.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, Field

from core.names import humanize


class Bin(BaseModel):
    start: float
    end: float
    count: int

    @property
    def label(self) -> str:
        return f"{self.start:g}–{self.end:g}"

    @property
    def number(self) -> str:
        """The bin of a whole-number histogram (width 1) by its number: ``3``, not ``3–4``."""
        return f"{self.start:g}"


class Histogram(BaseModel):
    title: str
    unit: str
    bins: list[Bin] = Field(default_factory=list)
    missing: int = 0
    whole_numbers: bool = False  # counts such as turns: one bar per number, ticks only on whole numbers

    def rows(self) -> list[dict[str, float | int | str]]:
        """One row per bin, in numeric order, for a chart: start, end, count, label."""
        return [
            {"start": b.start, "end": b.end, "count": b.count, "label": b.number if self.whole_numbers else b.label}
            for b in self.bins
        ]


class Category(BaseModel):
    name: str
    count: int


def histogram(
    values: Iterable[float | None],
    *,
    width: float,
    title: str,
    unit: str,
    low: float | None = None,
    whole_numbers: bool = False,
) -> Histogram:
    """Counts per bin ``[k·width, (k+1)·width)``, from the lowest value's bin (or ``low``'s) to the highest's."""
    counts: Counter[int] = Counter()
    missing = 0
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            missing += 1
            continue
        counts[math.floor(round(value / width, 9))] += 1
    if not counts:
        return Histogram(title=title, unit=unit, missing=missing, whole_numbers=whole_numbers)
    first = min(counts) if low is None else min(min(counts), math.floor(low / width))
    last = max(counts)
    bins = [
        Bin(start=round(k * width, 9), end=round((k + 1) * width, 9), count=counts.get(k, 0))
        for k in range(first, last + 1)
    ]
    return Histogram(title=title, unit=unit, bins=bins, missing=missing, whole_numbers=whole_numbers)


def capped_histogram(
    values: Iterable[float | None], *, width: float, top: float, title: str, unit: str, low: float | None = None
) -> Histogram:
    """A histogram of a bounded scale (``low``..``top``): the top value itself counts in the last bin."""
    below_top = [None if v is None else min(v, top - width / 2) for v in values]
    return histogram(below_top, width=width, title=title, unit=unit, low=low)


def categories(values: Iterable[str | None], *, missing: str = "Not recorded") -> list[Category]:
    """Counts per value in words (``cautious_relief`` → ``Cautious relief``), most frequent first (ties
    alphabetically): for emotions, not numbers."""
    counts = Counter(humanize(value) if value else missing for value in values)
    return [Category(name=name, count=count) for name, count in sorted(counts.items(), key=lambda c: (-c[1], c[0]))]
