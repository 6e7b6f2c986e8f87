"""Tiny base models for real training tests on a CPU: a Llama and a Qwen2 of a few hundred thousand parameters.

Nothing is downloaded, ever: the Hugging Face offline variables are set on import, each model is built from a
config with random weights, and its tokenizer is a byte-level BPE trained here (``tokenizers``) on the
project's own text: the demo conversations and the reference training file exported as OpenAI messages. The
tokenizer carries a ChatML chat template whose assistant turns are marked ``{% generation %}``, so TRL can
train on the assistant's turns only. Building one takes about a second; the test session builds each once
(``tiny_model`` in ``tests/conftest.py``) and caches it in a temporary folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
os.environ.update(OFFLINE_ENV)

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / "core" / "demo" / "conversations"
REFERENCE_V4 = ROOT / "tests" / "fixtures" / "reference" / "training-file-brightrun-lora-v4.json"
Kind = Literal["llama", "qwen2"]
KINDS: tuple[Kind, ...] = ("llama", "qwen2")
VOCAB_SIZE = 2048
CONTEXT_LENGTH = 4096
SPECIAL_TOKENS = ["<|pad|>", "<|unk|>", "<|im_start|>", "<|im_end|>"]
#: ChatML, with the assistant's answer and its end-of-turn token inside the generation markers.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "{{ '<|im_start|>assistant\n' }}{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}"
    "{{ '\n' }}"
    "{% else %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def set_offline() -> None:
    os.environ.update(OFFLINE_ENV)


def demo_messages() -> list[list[dict[str, str]]]:
    """Each demo conversation as OpenAI chat messages (a system line, then its turns)."""
    conversations: list[list[dict[str, str]]] = []
    for path in sorted(DEMO_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        messages = [{"role": "system", "content": "You are a fee-only financial planner."}]
        messages += [{"role": t["role"], "content": t["content"]} for t in data["turns"]]
        conversations.append(messages)
    return conversations


def reference_messages() -> list[list[dict[str, Any]]]:
    """The reference training file's conversations, exported as the OpenAI writer exports them."""
    from core.export import openai_chat
    from core.export.messages import examples_for

    data = json.loads(REFERENCE_V4.read_text(encoding="utf-8"))
    out: list[list[dict[str, Any]]] = []
    for conversation in data["conversations"]:
        pairs = conversation["training_pairs"]
        for example in examples_for(pairs[0]["conversation_id"], pairs, per_turn=False):
            out.append(openai_chat.messages(example))
    return out


def export_records() -> list[dict[str, Any]]:
    """The project's own export: ``{"messages": [...]}`` records, the demo's and the reference file's."""
    return [{"messages": m} for m in [*demo_messages(), *reference_messages()]]


def write_jsonl(records: list[dict[str, Any]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def build_tokenizer(texts: list[str]) -> Any:
    """A byte-level BPE trained on ``texts``, wrapped for transformers, with the ChatML template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE(unk_token="<|unk|>"))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator(texts, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        pad_token="<|pad|>",
        unk_token="<|unk|>",
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        model_max_length=CONTEXT_LENGTH,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def _config(kind: Kind, tokenizer: Any) -> Any:
    from transformers import LlamaConfig, Qwen2Config

    common: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": CONTEXT_LENGTH,
        "tie_word_embeddings": False,
        "pad_token_id": tokenizer.pad_token_id,
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
    }
    return LlamaConfig(**common) if kind == "llama" else Qwen2Config(**common)


def build_tiny_model(kind: Kind, folder: Path, *, seed: int = 7) -> Path:
    """Write a tiny ``kind`` model and its tokenizer to ``folder`` (``config.json``, weights, tokenizer files)."""
    import torch
    from transformers import AutoModelForCausalLM

    set_offline()
    torch.manual_seed(seed)
    texts = [m["content"] for record in export_records() for m in record["messages"]]
    tokenizer = build_tokenizer(texts)
    model = AutoModelForCausalLM.from_config(_config(kind, tokenizer))
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def parameter_count(folder: Path) -> int:
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(folder)
    return sum(p.numel() for p in model.parameters())
