"""The Together key inside the app, as the Claude key: test it (one free call), save it, use it at once.

Saved to ``.streamlit/secrets.toml`` (owner-only) as ``TOGETHER_API_KEY``; never returned, printed or logged.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Protocol

from pydantic import SecretStr

from core.errors import BrightRunError, ValidationError
from core.settings import Settings, save_secrets
from core.training.hosted import KEYS_URL, TogetherBackend

if TYPE_CHECKING:
    from core.training.service import TrainingService


class TogetherKeyUser(Protocol):
    """What a new Together key reaches in the running app (its ``Services`` has both): the settings in use and
    the training service, whose Together backend is built again."""

    @property
    def settings(self) -> Settings: ...

    @property
    def training(self) -> TrainingService: ...


def key_source(settings: Settings) -> str | None:
    """Where the key in use comes from: "environment", "file" (secrets.toml), or None (no key)."""
    if not settings.has_together_key:
        return None
    return "environment" if os.environ.get("TOGETHER_API_KEY", "").strip() else "file"


def check_key_format(key: str) -> str:
    key = key.strip()
    if not key:
        raise ValidationError("Paste your Together key first.", hint=f"Keys are made at {KEYS_URL}.")
    if len(key) < 20 or re.search(r"\s", key):
        raise ValidationError(
            "This does not look like a Together key (it is long and has no spaces).",
            hint=f"Copy it again from {KEYS_URL}.",
        )
    return key


def try_key(settings: Settings, key: str | None = None) -> int:
    """One free call with ``key`` (or the configured key): the number of fine-tuning jobs the account has."""
    if key is not None:
        key = check_key_format(key)
    elif settings.together_api_key is None or not settings.has_together_key:
        raise BrightRunError("No Together key is set yet.", hint="Paste one above, then test it.")
    else:
        key = settings.together_api_key.get_secret_value().strip()
    return TogetherBackend(key, base_url=settings.together_base_url, max_retries=1).check_key()


def save_key(key: str) -> None:
    save_secrets({"TOGETHER_API_KEY": check_key_format(key)})


def refresh(svc: TogetherKeyUser, fresh: Settings) -> bool:
    """Use a newly saved key in the running app (no restart). True when it changed."""
    old = svc.settings.together_api_key.get_secret_value() if svc.settings.together_api_key else None
    new = fresh.together_api_key.get_secret_value() if fresh.together_api_key else None
    if old == new:
        return False
    svc.settings.together_api_key = SecretStr(new) if new is not None else None
    svc.training.forget_backend("together")  # built again, with the new key, on next use
    return True
