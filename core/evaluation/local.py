"""Local models through transformers + PEFT: the base model loaded once per process and kept, each trained
adapter attached to it by name, and switched off (``disable_adapter()``) for the base model's answers.

Nothing is downloaded: the base model must be a local folder or already in the Hugging Face cache
(``local_files_only``), so a page never starts a download of gigabytes; otherwise a plain
``ModelUnavailableError`` says so. A conversation longer than the base model's context is cut from the
front (the system prompt kept) so the prompt and the answer fit, and the cut is reported.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import ModelUnavailableError
from core.evaluation.responder import Chat, GenerationSettings

INSTALL_HINT = "Local models need the training extra (PyTorch, transformers, PEFT) installed with the app."
INSTALL_TERMINAL = "Install it with: pip install -e '.[train]'"


def _libraries() -> tuple[Any, Any, Any]:
    try:
        import peft
        import torch
        import transformers
    except ImportError:
        raise ModelUnavailableError(
            "Local models cannot run here: the libraries that run them are not installed.",
            hint=INSTALL_HINT,
            terminal_hint=INSTALL_TERMINAL,
        ) from None
    transformers.utils.logging.disable_progress_bar()  # no loading bars in a page's log or a --json output
    transformers.utils.logging.set_verbosity_error()
    return torch, transformers, peft


@dataclass
class Fitted:
    """A conversation cut to fit the model's context, and what was cut."""

    messages: Chat
    dropped: int = 0
    context: int = 0

    @property
    def note(self) -> str | None:
        if not self.dropped:
            return None
        return (
            f"This conversation is longer than the base model can read ({self.context} tokens), so its first "
            f"{self.dropped} message(s) were left out; the models saw only the rest."
        )


@dataclass
class LoadedBase:
    """One base model in memory, with the adapters attached to it so far."""

    name: str
    tokenizer: Any
    model: Any  # a PeftModel once an adapter is attached, else the plain model
    adapters: dict[str, str] = field(default_factory=dict)  # adapter name -> folder
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def context(self) -> int:
        config = getattr(self.model, "config", None)
        limit = getattr(config, "max_position_embeddings", None)
        tokenizer_limit = getattr(self.tokenizer, "model_max_length", None)
        candidates = [v for v in (limit, tokenizer_limit) if isinstance(v, int) and 0 < v < 10**7]
        return min(candidates) if candidates else 2048

    def prompt_ids(self, messages: Chat) -> list[int]:
        if getattr(self.tokenizer, "chat_template", None):
            ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
            if isinstance(ids, dict) or hasattr(ids, "keys"):
                ids = ids["input_ids"]
            return list(ids)
        text = "".join(f"{m['role']}: {m['content']}\n" for m in messages) + "assistant: "
        return list(self.tokenizer(text)["input_ids"])

    def fit(self, messages: Chat, max_new_tokens: int) -> Fitted:
        """Drop the oldest messages after the system prompt until the prompt and the answer fit the context;
        the conversation still starts with a client message."""
        room = max(self.context - max_new_tokens, 1)
        head = [m for m in messages[:1] if m.get("role") == "system"]
        rest = list(messages[len(head) :])
        dropped = 0
        while len(rest) > 1 and len(self.prompt_ids(head + rest)) > room:
            rest.pop(0)
            dropped += 1
            while len(rest) > 1 and rest[0].get("role") != "user":
                rest.pop(0)
                dropped += 1
        return Fitted(head + rest, dropped, self.context)


class LocalModels:
    """The base models loaded in this process (one each, kept), and their adapters."""

    def __init__(self) -> None:
        self._bases: dict[str, LoadedBase] = {}
        self._lock = threading.Lock()

    def base(self, name: str) -> LoadedBase:
        with self._lock:
            if name not in self._bases:
                self._bases[name] = self._load(name)
            return self._bases[name]

    @staticmethod
    def _load(name: str) -> LoadedBase:
        torch, transformers, _ = _libraries()
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(name, local_files_only=True)
            model = transformers.AutoModelForCausalLM.from_pretrained(name, local_files_only=True)
        except (OSError, ValueError) as err:
            raise ModelUnavailableError(
                f"The base model “{Path(name).name or name}” is not available on this machine, so its answers "
                "cannot be shown here.",
                hint="Download the base model to this machine first (it is never downloaded from a page), "
                "or try a model trained on the hosted service.",
                terminal_hint=f"Download it once with: huggingface-cli download {name}",
            ) from err
        model.eval()
        torch.set_grad_enabled(False)
        return LoadedBase(name, tokenizer, model)

    def attach(self, base: LoadedBase, adapter_name: str, folder: Path) -> None:
        """Attach an adapter to the base model under ``adapter_name`` (once)."""
        _, _, peft = _libraries()
        with base.lock:
            if adapter_name in base.adapters:
                return
            if isinstance(base.model, peft.PeftModel):
                base.model.load_adapter(str(folder), adapter_name=adapter_name)
            else:
                base.model = peft.PeftModel.from_pretrained(base.model, str(folder), adapter_name=adapter_name)
            base.model.eval()
            base.adapters[adapter_name] = str(folder)

    def responders(self, base_name: str, adapter_name: str, folder: Path) -> tuple[LocalResponder, LocalResponder]:
        """The base model's and the tuned model's responder, sharing one copy of the base in memory."""
        base = self.base(base_name)
        self.attach(base, adapter_name, folder)
        return LocalResponder("base", base, None), LocalResponder("tuned", base, adapter_name)


class LocalResponder:
    """Answers with the base model (``adapter`` None: the adapter switched off) or with one adapter on."""

    def __init__(self, label: str, base: LoadedBase, adapter: str | None) -> None:
        self.label = label
        self.base = base
        self.adapter = adapter
        self.last_fit: Fitted | None = None

    def reply(self, messages: Chat, settings: GenerationSettings) -> str:
        torch, _, _ = _libraries()
        fitted = self.base.fit(messages, settings.max_new_tokens)
        self.last_fit = fitted
        ids = torch.tensor([self.base.prompt_ids(fitted.messages)])
        kwargs: dict[str, Any] = {
            "max_new_tokens": settings.max_new_tokens,
            "do_sample": settings.temperature > 0,
            "pad_token_id": self.base.tokenizer.pad_token_id or self.base.tokenizer.eos_token_id,
            "attention_mask": torch.ones_like(ids),
        }
        if settings.temperature > 0:
            kwargs["temperature"] = settings.temperature
        with self.base.lock, torch.no_grad():
            output = self._generate(ids, kwargs)
        text = self.base.tokenizer.decode(output[0][ids.shape[1] :], skip_special_tokens=True)
        return str(text).strip()

    def logits(self, messages: Chat) -> Any:
        """The next-token logits for ``messages`` (tests compare base and tuned)."""
        torch, _, _ = _libraries()
        ids = torch.tensor([self.base.prompt_ids(messages)])
        with self.base.lock, torch.no_grad():
            if self.adapter is None and hasattr(self.base.model, "disable_adapter"):
                with self.base.model.disable_adapter():
                    return self.base.model(input_ids=ids).logits[0, -1]
            if self.adapter is not None:
                self.base.model.set_adapter(self.adapter)
            return self.base.model(input_ids=ids).logits[0, -1]

    def _generate(self, ids: Any, kwargs: dict[str, Any]) -> Any:
        model = self.base.model
        if self.adapter is None:
            if hasattr(model, "disable_adapter"):
                with model.disable_adapter():
                    return model.generate(input_ids=ids, **kwargs)
            return model.generate(input_ids=ids, **kwargs)
        model.set_adapter(self.adapter)
        return model.generate(input_ids=ids, **kwargs)
