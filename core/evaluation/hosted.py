"""Hosted models through the service's inference API (Together's chat completions), behind the same
``Responder`` protocol as local models: the base model by its service name, the tuned one by the name the
fine-tuning job gave it (``hosted_model_name``)."""

from __future__ import annotations

import os
from typing import Any, cast

from core.errors import ModelUnavailableError
from core.evaluation.responder import Chat, GenerationSettings


def together_key(settings: Any) -> str | None:
    """The Together key: the setting when the app has one, else ``TOGETHER_API_KEY``."""
    value: Any = getattr(settings, "together_api_key", None)
    secret = value.get_secret_value() if hasattr(value, "get_secret_value") else value
    return str(secret) if secret else os.environ.get("TOGETHER_API_KEY") or None


class HostedResponder:
    """Answers through Together's chat completions API with ``model``."""

    def __init__(self, label: str, model: str, api_key: str | None, *, base_url: str | None = None) -> None:
        self.label = label
        self.model = model
        self.api_key = api_key
        self.base_url = base_url or os.environ.get("TOGETHER_BASE_URL") or None

    def reply(self, messages: Chat, settings: GenerationSettings) -> str:
        if not self.api_key:
            raise ModelUnavailableError(
                "The hosted model cannot answer: no key for the hosted service is set.",
                hint="Add the hosted service's key on Settings.",
                terminal_hint="Set TOGETHER_API_KEY.",
            )
        try:
            from together import Together
        except ImportError:
            raise ModelUnavailableError(
                "The hosted model cannot answer: the hosted service's library is not installed.",
                hint="Install the app with its hosted-training support.",
                terminal_hint="pip install together",
            ) from None
        client = (
            Together(api_key=self.api_key, base_url=self.base_url) if self.base_url else Together(api_key=self.api_key)
        )
        try:
            answer = client.chat.completions.create(
                model=self.model,
                messages=cast(Any, messages),
                max_tokens=settings.max_new_tokens,
                temperature=settings.temperature,
            )
        except Exception as err:  # the SDK raises many error types; each one means "no answer"
            raise ModelUnavailableError(
                f"The hosted service did not answer with “{self.model}”: {type(err).__name__}.",
                hint="Check the key on Settings and that the model is still deployed, then try again.",
            ) from None
        choices = getattr(answer, "choices", None) or []
        message = getattr(choices[0], "message", None) if choices else None
        return str(getattr(message, "content", "") or "").strip()
