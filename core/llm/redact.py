"""Keeping the API key out of every error text: a proxy at ``ANTHROPIC_BASE_URL`` may echo it back in an
error body, which would otherwise reach messages, logs and failure reports."""

from __future__ import annotations

import re

REDACTED = "[redacted key]"
#: Anthropic keys, whatever else the text holds (``sk-ant-api03-…``, ``sk-ant-admin01-…``).
KEY_PATTERN = re.compile(r"sk-ant-[A-Za-z0-9_\-]{4,}")
MIN_SECRET = 8


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with each secret given (and anything shaped like an Anthropic key) replaced."""
    for secret in secrets:
        secret = (secret or "").strip()
        if len(secret) >= MIN_SECRET and secret in text:
            text = text.replace(secret, REDACTED)
    return KEY_PATTERN.sub(REDACTED, text)
