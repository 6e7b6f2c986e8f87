"""The checks on a training job's input, the presets and the estimate (no trainer needed)."""

from __future__ import annotations

import pytest

from core.errors import ValidationError
from core.training import inputs, presets
from core.training.estimate import LocalModelFacts, approximate_tokens, build_estimate


def _example(n: int, answer: str = "Fine.", *, truncated: bool = False) -> inputs.Example:
    messages = [{"role": "user", "content": f"Question {n}?"}, {"role": "assistant", "content": answer}]
    return inputs.Example(f"c{n}", f"Conversation {n}", messages, truncated)


def test_conversations_over_the_context_length_are_listed_with_their_length() -> None:
    examples = [_example(1), _example(2, "word " * 400)]
    with pytest.raises(ValidationError) as refused:
        inputs.check_lengths(examples, approximate_tokens, 100)
    assert refused.value.problems == ["'Conversation 2': 513 tokens"]
    assert "100 tokens" in refused.value.message


def test_truncated_and_double_escaped_conversations_are_refused_by_name() -> None:
    examples = [_example(1, truncated=True), _example(2, "Line one.\\nLine two."), _example(3), _example(4, '"quoted"')]
    with pytest.raises(ValidationError) as refused:
        inputs.check(examples, "local")
    text = "\n".join(refused.value.problems)
    assert "cut off mid-sentence in 'Conversation 1'" in text
    assert "escaped twice" in text and "'Conversation 2'" in text and "'Conversation 4'" in text
    assert "'Conversation 3'" not in text
    inputs.check([_example(1), _example(2)], "local")  # clean: accepted


def test_the_split_is_stable_and_holds_one_out() -> None:
    examples = [_example(n) for n in range(5)]
    first, again = inputs.split(examples), inputs.split(examples)
    assert [e.conversation_id for e in first.validation] == [e.conversation_id for e in again.validation]
    assert len(first.validation) >= 1 and len(first.train) + len(first.validation) == 5


def test_presets_are_checked_and_explained() -> None:
    assert presets.hyperparameters("quick").epochs == 1
    assert presets.preset_name("standard", {"max_steps": 5}) == "standard"
    assert presets.preset_name("standard", {"lora_rank": 4}) == "custom"
    with pytest.raises(ValidationError) as bad:
        presets.hyperparameters("standard", {"learning_rate": 0.5})
    assert bad.value.message.startswith("Learning rate:") and bad.value.hint == presets.EXPLAINED["learning_rate"]
    with pytest.raises(ValidationError):
        presets.preset("huge")


def test_hosted_estimate_prices_tokens_and_says_they_are_approximate() -> None:
    prepared = inputs.split([_example(n, "word " * 50) for n in range(12)])
    values = presets.hyperparameters("standard")
    estimate = build_estimate("together", "Qwen/Qwen2.5-7B-Instruct", prepared, values, facts=LocalModelFacts())
    assert not estimate.tokens_exact and any("approximate" in n for n in estimate.notes)
    trained_and_checked = estimate.trained_tokens + sum(approximate_tokens(e.messages) for e in prepared.validation) * 3
    assert estimate.cost_usd == round(trained_and_checked / 1e6 * 0.48, 4)
    assert estimate.passes == 3 and estimate.context_length == 8192
