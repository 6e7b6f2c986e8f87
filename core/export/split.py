"""A seeded train/validation split decided per conversation.

Each conversation goes to one side by a hash of (seed, conversation id), so the split needs no count
up front (exports stream), is the same on every run with the same seed, and never puts turns of one
conversation on both sides (per-turn examples would otherwise leak into validation).
"""

from __future__ import annotations

import hashlib
from typing import Literal

from core.errors import ValidationError

Split = Literal["train", "validation"]
DEFAULT_SEED = 42


def check_ratio(ratio: float | None) -> float | None:
    if ratio is None or ratio == 0:
        return None
    if not 0 < ratio < 1:
        raise ValidationError(f"--split {ratio} is out of range.", hint="Give the validation share, e.g. 0.1.")
    return ratio


def assign(conversation_id: str, ratio: float | None, *, seed: int = DEFAULT_SEED) -> Split:
    """``validation`` for about ``ratio`` of conversations, ``train`` for the rest (all train without a ratio)."""
    if not ratio:
        return "train"
    digest = hashlib.sha256(f"{seed}:{conversation_id}".encode()).digest()
    return "validation" if int.from_bytes(digest[:8], "big") / 2**64 < ratio else "train"
