"""Local models on a tiny Llama built offline: the base loaded once, the adapter switched on and off,
answers from both, the adapter changing the logits, and a long conversation cut to the base's context."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("peft")

from core.errors import ModelUnavailableError
from core.evaluation.local import LocalModels
from core.evaluation.responder import GenerationSettings
from tests.support.tiny_models import build_tiny_model
from tests.support.trained_models import make_adapter

CONTEXT = 256


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = build_tiny_model("llama", tmp_path_factory.mktemp("tiny") / "base")
    config = json.loads((folder / "config.json").read_text())
    config["max_position_embeddings"] = CONTEXT  # a short context, so a long held-out conversation must be cut
    (folder / "config.json").write_text(json.dumps(config))
    return folder, make_adapter(folder, tmp_path_factory.mktemp("adapter") / "a1")


@pytest.fixture(scope="module")
def models() -> LocalModels:
    return LocalModels()


def test_both_answer_and_the_base_is_loaded_once(tiny: tuple[Path, Path], models: LocalModels) -> None:
    base_dir, adapter = tiny
    base, tuned = models.responders(str(base_dir), "m1", adapter)
    again, _ = models.responders(str(base_dir), "m1", adapter)
    assert again.base is base.base  # one copy of the base in memory
    settings = GenerationSettings(max_new_tokens=6)
    chat = [{"role": "user", "content": "I am worried about my savings."}]
    assert isinstance(base.reply(chat, settings), str)
    assert isinstance(tuned.reply(chat, settings), str)


def test_the_adapter_changes_the_logits_and_switching_it_off_restores_the_base(
    tiny: tuple[Path, Path], models: LocalModels
) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    base_dir, adapter = tiny
    base, tuned = models.responders(str(base_dir), "m1", adapter)
    chat = [{"role": "user", "content": "Should I pay off my mortgage early?"}]
    plain = AutoModelForCausalLM.from_pretrained(base_dir, local_files_only=True).eval()
    with torch.no_grad():
        reference = plain(input_ids=torch.tensor([base.base.prompt_ids(chat)])).logits[0, -1]
    off, on = base.logits(chat), tuned.logits(chat)
    assert torch.allclose(off, reference, atol=1e-5)
    assert not torch.allclose(on, off, atol=1e-4)
    assert torch.allclose(base.logits(chat), reference, atol=1e-5)  # switched off again after the tuned call


def test_a_long_conversation_is_cut_to_the_base_context_with_a_note(
    tiny: tuple[Path, Path], models: LocalModels
) -> None:
    base_dir, adapter = tiny
    base, tuned = models.responders(str(base_dir), "m1", adapter)
    chat = [{"role": "system", "content": "You are a calm planner."}]
    for i in range(30):
        chat += [
            {"role": "user", "content": f"Question {i}: how should I think about my retirement savings?"},
            {"role": "assistant", "content": f"Answer {i}: one step at a time, starting with your budget."},
        ]
    chat.append({"role": "user", "content": "And now?"})
    settings = GenerationSettings(max_new_tokens=8)
    fitted = base.base.fit(chat, settings.max_new_tokens)
    assert fitted.dropped > 0 and fitted.note and "left out" in fitted.note
    assert fitted.messages[0]["role"] == "system" and fitted.messages[1]["role"] == "user"
    assert fitted.messages[-1]["content"] == "And now?"
    assert len(base.base.prompt_ids(fitted.messages)) + settings.max_new_tokens <= CONTEXT
    tuned.reply(chat, settings)  # would fail past the position embeddings without the cut
    assert tuned.last_fit is not None and tuned.last_fit.dropped == fitted.dropped


def test_a_base_model_not_on_this_machine_is_a_plain_message(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="not available on this machine"):
        LocalModels().base(str(tmp_path / "no-such-model"))
