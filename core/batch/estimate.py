"""What a batch will be before it starts: its count as a formula, tokens, cost (online and at the Message
Batches price) and time.

Tokens come from one real request per arc (the prompt is rendered, so its length is measured, and the
arc's turn count sets the expected output); an arc without a usable template falls back to the earlier
system's constants and is reported, since its items would fail.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel

from core.errors import BrightRunError
from core.llm.pricing import cost_usd
from core.llm.types import LLMUsage

#: The earlier system's per-conversation constants (earlier-system.md §3.10), when no request can be built.
FALLBACK_USAGE = LLMUsage(input_tokens=2000, output_tokens=1500)
OUTPUT_TOKENS_PER_S = 60.0
REQUEST_OVERHEAD_S = 2.0
MESSAGE_BATCHES_TIME = "usually under 1 hour, at most 24 hours"

#: Builds the expected usage of one item of an arc, or raises ``BrightRunError`` if it cannot.
UsageForArc = Callable[[str], LLMUsage]


class BatchEstimate(BaseModel):
    personas: int
    arcs: int
    topics: int
    variations: int
    count: int
    input_tokens: int
    output_tokens: int
    cost_online_usd: float
    cost_batch_usd: float
    seconds_online: float
    seconds_per_item: float
    warnings: list[str] = []
    #: Set when the batch is a list of chosen combinations (e.g. coverage gaps), not a full product.
    planned: int | None = None

    @property
    def formula(self) -> str:
        """ "3 personas × 2 arcs × 4 topics × 2 variations = 48 conversations" """
        if self.planned is not None:
            parts = [_plural(self.planned, "planned combination")]
        else:
            parts = [
                _plural(self.personas, "persona"),
                _plural(self.arcs, "arc"),
                _plural(self.topics, "topic"),
            ]
        if self.variations > 1:
            parts.append(_plural(self.variations, "variation"))
        return f"{' × '.join(parts)} = {_plural(self.count, 'conversation')}"

    @property
    def time_online(self) -> str:
        return duration(self.seconds_online)

    def lines(self) -> list[str]:
        """The estimate as short lines for a terminal or a page caption."""
        return [
            self.formula,
            f"Tokens: ~{self.input_tokens:,} in, ~{self.output_tokens:,} out",
            f"Cost: ~${self.cost_online_usd:,.2f} online, ~${self.cost_batch_usd:,.2f} with Message Batches",
            f"Time: ~{self.time_online} online; Message Batches {MESSAGE_BATCHES_TIME}",
            *self.warnings,
        ]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def estimate_batch(
    personas: Sequence[str],
    arcs: Sequence[str],
    topics: Sequence[str],
    *,
    variations: int,
    concurrency: int,
    usage_for_arc: UsageForArc,
    model: str,
    prices: Mapping[str, tuple[float, float]],
    limits: tuple[int | None, int | None, int | None] = (None, None, None),
    combinations: Sequence[tuple[str, str, str]] | None = None,
) -> BatchEstimate:
    """``limits`` are (requests, input tokens, output tokens) per minute; the slowest bound sets the time.

    With ``combinations`` (persona, arc, topic) the batch is exactly those, not the full product.
    """
    if combinations is not None:
        items_per_arc = Counter(arc for _, arc, _ in combinations)
        distinct = [len({c[i] for c in combinations}) for i in range(3)]
    else:
        items_per_arc = Counter({arc: len(personas) * len(topics) for arc in arcs})
        distinct = [len(personas), len(arcs), len(topics)]
    count = sum(items_per_arc.values()) * variations
    total = LLMUsage()
    warnings: list[str] = []
    for arc, n in items_per_arc.items():
        try:
            usage = usage_for_arc(arc)
        except BrightRunError as err:
            usage = FALLBACK_USAGE
            warnings.append(f"Arc '{arc}': {err.message} Its items will fail unless this is fixed.")
        total.input_tokens += usage.input_tokens * n * variations
        total.output_tokens += usage.output_tokens * n * variations
    per_item_s = REQUEST_OVERHEAD_S + (total.output_tokens / max(count, 1)) / OUTPUT_TOKENS_PER_S
    rpm, itpm, otpm = limits
    bounds = [math.ceil(count / max(concurrency, 1)) * per_item_s]
    for amount, per_minute in ((count, rpm), (total.input_tokens, itpm), (total.output_tokens, otpm)):
        if per_minute:
            bounds.append(amount / per_minute * 60)
    return BatchEstimate(
        personas=distinct[0],
        arcs=distinct[1],
        topics=distinct[2],
        variations=variations,
        count=count,
        input_tokens=total.input_tokens,
        output_tokens=total.output_tokens,
        cost_online_usd=cost_usd(model, total, prices),
        cost_batch_usd=cost_usd(model, total, prices, batch=True),
        seconds_online=max(bounds) if count else 0.0,
        seconds_per_item=per_item_s,
        warnings=warnings,
        planned=len(combinations) if combinations is not None else None,
    )
