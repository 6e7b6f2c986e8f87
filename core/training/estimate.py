"""The estimate shown before anything starts: tokens, passes, steps, time and cost, and the base models offered.

Tokens are counted with the base model's own tokenizer when it is on this machine (a folder, or a model already
downloaded); otherwise they are approximated (about four characters a token) and the estimate says so. Cost
comes from the service's price table (per million tokens trained); training here costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.training.inputs import PreparedInput
from core.training.presets import Hyperparameters

CountTokens = Callable[[list[dict[str, Any]]], int]
#: Together's LoRA fine-tuning price per million tokens trained, by model size (together.ai/pricing, 2025).
TOGETHER_PRICE_PER_MTOK = ((16, 0.48), (69, 1.50), (100, 2.90))
TOGETHER_MINIMUM_USD = 0.0
#: A short curated list of base models for each place; "your own" takes any id or folder.
CURATED: dict[str, list[tuple[str, str, int, float]]] = {  # backend -> (id, words, context length, billions)
    "local": [
        ("Qwen/Qwen2.5-0.5B-Instruct", "Qwen 2.5, 0.5B (small, quick)", 32768, 0.5),
        ("meta-llama/Llama-3.2-1B-Instruct", "Llama 3.2, 1B", 131072, 1.0),
        ("Qwen/Qwen2.5-1.5B-Instruct", "Qwen 2.5, 1.5B", 32768, 1.5),
    ],
    "together": [
        ("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", "Llama 3.1, 8B", 8192, 8.0),
        ("Qwen/Qwen2.5-7B-Instruct", "Qwen 2.5, 7B", 8192, 7.0),
        ("meta-llama/Llama-3.2-3B-Instruct", "Llama 3.2, 3B", 8192, 3.0),
    ],
}
#: Rough training speed, floating-point operations a second (6 × parameters per token trained).
FLOPS = {"gpu": 2e13, "cpu": 5e10}
HOSTED_QUEUE_S = 600.0
HOSTED_TOKENS_PER_S = 4000.0


class Estimate(BaseModel):
    backend: str
    base_model: str
    conversations: int
    validation_conversations: int
    tokens: int = Field(description="Tokens in the training conversations, one pass.")
    tokens_exact: bool
    passes: int
    total_steps: int
    trained_tokens: int
    seconds: float | None = None
    cost_usd: float = 0.0
    context_length: int | None = None
    notes: list[str] = Field(default_factory=list)

    def lines(self) -> list[str]:
        counted = (
            "counted with the base model's tokenizer"
            if self.tokens_exact
            else "approximate (about 4 characters a token)"
        )
        out = [
            f"{self.conversations} conversations to learn from, {self.validation_conversations} held out to check progress",
            f"{self.tokens:,} tokens ({counted}), {self.passes} pass(es): {self.total_steps} steps",
            f"Time: {duration_words(self.seconds)}" if self.seconds is not None else "Time: unknown",
            f"Cost: about ${self.cost_usd:.2f}" if self.backend != "local" else "Cost: nothing (this computer)",
        ]
        return out + self.notes


def duration_words(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    if seconds < 90:
        return "about a minute"
    if seconds < 5400:
        return f"about {round(seconds / 60)} minutes"
    return f"about {seconds / 3600:.1f} hours"


def approximate_tokens(messages: list[dict[str, Any]]) -> int:
    return sum((len(str(m.get("content", ""))) + 3) // 4 + 4 for m in messages) + 2


def curated(backend: str, model: str) -> tuple[str, str, int, float] | None:
    return next((m for m in CURATED.get(backend, []) if m[0] == model), None)


class LocalModelFacts(BaseModel):
    count: Any = None
    context_length: int | None = None
    parameters: float | None = None


def local_model_facts(base_model: str) -> LocalModelFacts:
    """The base model's tokenizer and size when they are on this machine; nothing is downloaded."""
    try:
        from transformers import AutoConfig, AutoTokenizer
    except ImportError:
        return LocalModelFacts()
    try:
        tokenizer = AutoTokenizer.from_pretrained(base_model, local_files_only=True)
        config = AutoConfig.from_pretrained(base_model, local_files_only=True)
    except (OSError, ValueError):
        return LocalModelFacts()

    def count(messages: list[dict[str, Any]]) -> int:
        if tokenizer.chat_template:
            encoded: Any = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True)
            return len(encoded["input_ids"])
        return len(tokenizer("\n".join(str(m["content"]) for m in messages))["input_ids"])

    context = getattr(config, "max_position_embeddings", None)
    hidden, layers = getattr(config, "hidden_size", 0), getattr(config, "num_hidden_layers", 0)
    vocab = getattr(config, "vocab_size", 0)
    parameters = 12 * layers * hidden * hidden + 2 * vocab * hidden if hidden and layers else None
    return LocalModelFacts(count=count, context_length=context, parameters=parameters)


def hosted_price_per_mtok(billions: float | None) -> float:
    for ceiling, price in TOGETHER_PRICE_PER_MTOK:
        if billions is not None and billions <= ceiling:
            return price
    return TOGETHER_PRICE_PER_MTOK[-1][1]


def build_estimate(
    backend: str,
    base_model: str,
    prepared: PreparedInput,
    values: Hyperparameters,
    *,
    facts: LocalModelFacts,
    gpu: bool = False,
) -> Estimate:
    count: CountTokens = facts.count or approximate_tokens
    tokens = sum(count(e.messages) for e in prepared.train)
    steps_per_pass = math.ceil(len(prepared.train) / values.batch_size)
    total_steps = steps_per_pass * values.epochs
    if values.max_steps:  # the trainer stops there, whatever the number of passes
        total_steps = values.max_steps
    passes = values.epochs if not values.max_steps else max(1, math.ceil(total_steps / max(steps_per_pass, 1)))
    trained = round(tokens * min(values.epochs, total_steps / max(steps_per_pass, 1)))
    known = curated(backend, base_model)
    notes: list[str] = []
    if not facts.count:
        notes.append("Token counts are approximate: the base model's tokenizer is not on this computer.")
    if backend == "local":
        parameters = facts.parameters or (known[3] * 1e9 if known else None)
        seconds = 6 * parameters * trained / FLOPS["gpu" if gpu else "cpu"] + 20 if parameters else None
        if not gpu:
            notes.append(
                "No graphics card found: training runs on the processor, which takes very long for a real model."
            )
        cost = 0.0
    else:
        price = hosted_price_per_mtok(known[3] if known else None)
        evaluated = sum(count(e.messages) for e in prepared.validation) * passes
        cost = max((trained + evaluated) / 1e6 * price, TOGETHER_MINIMUM_USD)
        seconds = HOSTED_QUEUE_S + trained / HOSTED_TOKENS_PER_S
        notes.append(
            f"Price: ${price:.2f} per million tokens trained (Together's list price); the final cost is theirs."
        )
    context = facts.context_length or (known[2] if known else None)
    return Estimate(
        backend=backend,
        base_model=base_model,
        conversations=len(prepared.train),
        validation_conversations=len(prepared.validation),
        tokens=tokens,
        tokens_exact=facts.count is not None,
        passes=passes,
        total_steps=total_steps,
        trained_tokens=trained,
        seconds=seconds,
        cost_usd=round(cost, 4),
        context_length=context,
        notes=notes,
    )


def is_folder(base_model: str) -> bool:
    return Path(base_model).expanduser().is_dir()


def base_model_words(base_model: str) -> str:
    """A base model as a person reads it: its name from the curated lists, or a folder's own name."""
    for models in CURATED.values():
        for model_id, words, _, _ in models:
            if model_id == base_model:
                return words
    if "/" in base_model and (base_model.startswith(("/", "~", ".")) or is_folder(base_model)):
        return f"{Path(base_model).name} (a model folder on the computer that trained it)"
    return base_model
