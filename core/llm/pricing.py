"""What a call costs: prices per million tokens from settings, by model name or family.

Cache reads cost 10% of the input price and cache writes 125% (5-minute cache); the Message Batches
API costs half of everything.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from core.llm.types import LLMUsage

CACHE_READ_MULTIPLIER = 0.1
CACHE_WRITE_MULTIPLIER = 1.25
BATCH_DISCOUNT = 0.5
FAMILIES = ("opus", "haiku", "sonnet")
#: Rough output size per turn, for estimates before a call.
TOKENS_PER_TURN = 220


def prices_for(model: str, prices: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    """(input, output) USD per million tokens: an exact model entry first, then its family, then sonnet."""
    if model in prices:
        return prices[model]
    for family in FAMILIES:
        if family in model and family in prices:
            return prices[family]
    return prices.get("sonnet", (0.0, 0.0))


def cost_usd(model: str, usage: LLMUsage, prices: Mapping[str, tuple[float, float]], *, batch: bool = False) -> float:
    price_in, price_out = prices_for(model, prices)
    total = (
        usage.input_tokens * price_in
        + usage.cache_read_tokens * price_in * CACHE_READ_MULTIPLIER
        + usage.cache_write_tokens * price_in * CACHE_WRITE_MULTIPLIER
        + usage.output_tokens * price_out
    ) / 1_000_000
    return round(total * (BATCH_DISCOUNT if batch else 1.0), 6)


def estimate_tokens(text: str) -> int:
    """About four characters per token (the earlier system's rule of thumb)."""
    return math.ceil(len(text) / 4)


def estimate_usage(prompt_text: str, turns: int) -> LLMUsage:
    """Expected usage of a generation: the prompt as input, ``turns`` turns of output."""
    return LLMUsage(input_tokens=estimate_tokens(prompt_text), output_tokens=turns * TOKENS_PER_TURN + 150)
