"""The tiny base models the training tests use: small, offline, with a chat template that marks the answers."""

from __future__ import annotations

import json
import os

from tests.support.tiny_models import KINDS, OFFLINE_ENV, export_records, parameter_count
from tests.support.training_fixtures import TinyModels


def test_tiny_models_are_small_offline_and_mark_only_the_assistants_turns(tiny_models: TinyModels) -> None:
    from transformers import AutoTokenizer

    assert all(os.environ.get(name) == value for name, value in OFFLINE_ENV.items())
    records = export_records()
    assert len(records) >= 14 and all(r["messages"][-1]["role"] == "assistant" for r in records)
    for kind in KINDS:
        folder = tiny_models.path(kind)
        config = json.loads((folder / "config.json").read_text())
        assert config["model_type"] == kind
        assert 100_000 < parameter_count(folder) < 1_000_000
        tokenizer = AutoTokenizer.from_pretrained(folder)
        messages = records[0]["messages"][:3]  # system, user, assistant
        out = tokenizer.apply_chat_template(messages, return_dict=True, return_assistant_tokens_mask=True)
        ids, mask = out["input_ids"], out["assistant_masks"]
        answer = tokenizer.decode([t for t, m in zip(ids, mask, strict=True) if m])
        assert answer == messages[2]["content"] + "<|im_end|>"
    assert tiny_models.path("llama") == tiny_models.path("llama")  # built once, then cached
