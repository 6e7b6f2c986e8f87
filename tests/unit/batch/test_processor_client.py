"""The generation processor builds its Claude client once for all lanes, and never keeps a failure."""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest

from core.batch.generation_processor import GenerationProcessor
from core.errors import LLMUnavailableError


def test_lanes_starting_together_share_one_client() -> None:
    built: list[object] = []
    gate = threading.Barrier(16)

    def build() -> Any:
        built.append(object())
        return built[-1]

    processor = GenerationProcessor(cast(Any, None), cast(Any, None), build)
    seen: list[object] = []

    def lane() -> None:
        gate.wait()
        seen.append(processor.llm())

    threads = [threading.Thread(target=lane) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and all(client is built[0] for client in seen)


def test_a_missing_key_is_asked_again_on_the_next_item() -> None:
    calls = {"n": 0}

    def no_key() -> Any:
        calls["n"] += 1
        raise LLMUnavailableError("No Claude API key is configured.")

    processor = GenerationProcessor(cast(Any, None), cast(Any, None), no_key)
    for _ in range(2):
        with pytest.raises(LLMUnavailableError):
            processor.llm()
    assert calls["n"] == 2
