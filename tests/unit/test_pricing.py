"""Cost per call from settings prices, cache multipliers, batch discount; model checks."""

from __future__ import annotations

import pytest

from core.llm.models import model_warning
from core.llm.pricing import cost_usd, estimate_tokens, estimate_usage, prices_for
from core.llm.types import LLMUsage
from core.settings import DEFAULT_PRICES

MILLION = LLMUsage(input_tokens=1_000_000, output_tokens=1_000_000)


def test_cost_uses_the_model_family_price() -> None:
    assert cost_usd("claude-sonnet-5-5", MILLION, DEFAULT_PRICES) == pytest.approx(3.0 + 15.0)
    assert cost_usd("claude-haiku-4-5", MILLION, DEFAULT_PRICES) == pytest.approx(1.0 + 5.0)


def test_an_exact_model_price_beats_the_family_price() -> None:
    prices = {**DEFAULT_PRICES, "claude-opus-5": (5.0, 25.0)}
    assert prices_for("claude-opus-5", prices) == (5.0, 25.0)
    assert prices_for("claude-opus-4-8", prices) == DEFAULT_PRICES["opus"]


def test_cache_reads_cost_a_tenth_and_writes_a_quarter_more() -> None:
    read = cost_usd("claude-sonnet-5-5", LLMUsage(cache_read_tokens=1_000_000), DEFAULT_PRICES)
    write = cost_usd("claude-sonnet-5-5", LLMUsage(cache_write_tokens=1_000_000), DEFAULT_PRICES)
    assert (read, write) == (pytest.approx(0.3), pytest.approx(3.75))


def test_batch_calls_cost_half() -> None:
    full = cost_usd("claude-sonnet-5-5", MILLION, DEFAULT_PRICES)
    assert cost_usd("claude-sonnet-5-5", MILLION, DEFAULT_PRICES, batch=True) == pytest.approx(full / 2)


def test_unknown_model_falls_back_to_sonnet_prices() -> None:
    assert prices_for("some-future-model", DEFAULT_PRICES) == DEFAULT_PRICES["sonnet"]


def test_token_estimate_is_four_characters_per_token() -> None:
    assert (estimate_tokens(""), estimate_tokens("abcd"), estimate_tokens("abcde")) == (0, 1, 2)
    assert estimate_usage("x" * 400, turns=4).output_tokens > estimate_usage("x" * 400, turns=2).output_tokens


def test_deprecated_model_gets_a_message_with_its_end_of_life() -> None:
    warning = model_warning("claude-sonnet-4-5-20250929")
    assert warning is not None and "November 30th, 2026" in warning


def test_unknown_model_gets_a_message_and_current_models_none() -> None:
    assert "not one the installed anthropic SDK lists" in (model_warning("claude-sonet-9") or "")
    assert model_warning("claude-sonnet-5-5") is None and model_warning("claude-haiku-4-5") is None
