"""How a regenerated conversation and the attempt it replaced become one DPO pair."""

from __future__ import annotations

from core.export.dpo import from_attempts

SYSTEM = {"role": "system", "content": "You are a planner."}


def _chat(*texts: str) -> list[dict[str, str]]:
    return [SYSTEM, *({"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(texts))]


def test_the_shared_start_is_the_prompt_and_the_next_answers_are_the_pair() -> None:
    pair = from_attempts(
        _chat("Hi", "Hello!", "I am scared", "Let us breathe."), _chat("Hi", "Hello!", "I am scared", "Calm down.")
    )
    assert pair is not None
    assert pair.prompt == _chat("Hi", "Hello!", "I am scared")
    assert pair.chosen == [{"role": "assistant", "content": "Let us breathe."}]
    assert pair.rejected == [{"role": "assistant", "content": "Calm down."}]


def test_attempts_that_differ_from_the_first_message_pair_their_first_answers() -> None:
    pair = from_attempts(
        _chat("I lost my job", "That is a shock; first, breathe."), _chat("Job gone today", "Update your resume.")
    )
    assert pair is not None
    assert pair.prompt == _chat("I lost my job")
    assert (pair.chosen[0]["content"], pair.rejected[0]["content"]) == (
        "That is a shock; first, breathe.",
        "Update your resume.",
    )


def test_no_pair_without_two_different_answers() -> None:
    assert from_attempts(_chat("Hi", "Same."), _chat("Hi", "Same.")) is None
    assert from_attempts(_chat("Hi"), _chat("Hi", "An answer.")) is None
    assert from_attempts([SYSTEM], _chat("Hi", "An answer.")) is None
