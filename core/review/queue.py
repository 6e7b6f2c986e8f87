"""The review queue: walk the filtered, sorted set one conversation at a time, and say how far the day got.

Pure functions over ``(conversation_id, review_status)`` pairs in grid order, so the order the reviewer
sees in the grid is the order the queue walks. "Next pending" looks forward from the current
conversation and wraps around once, so nothing waiting is skipped.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from core.models.statuses import Review

PENDING = Review.PENDING


def next_pending(
    ordered: Sequence[tuple[str, str]], current: str | None = None, *, skip: Collection[str] = ()
) -> str | None:
    """The first conversation waiting for review after ``current`` (from the top when ``current`` is
    ``None`` or not in the set), wrapping around; ``skip`` leaves out ids (e.g. the one just decided)."""
    ids = [i for i, _ in ordered]
    start = ids.index(current) + 1 if current in ids else 0
    for offset in range(len(ordered)):
        conversation_id, status = ordered[(start + offset) % len(ordered)]
        if status == PENDING and conversation_id != current and conversation_id not in skip:
            return conversation_id
    return None


def step(ordered: Sequence[tuple[str, str]], current: str, delta: int) -> str | None:
    """The conversation ``delta`` places from ``current`` in grid order (any status), or ``None``."""
    ids = [i for i, _ in ordered]
    if current not in ids:
        return None
    at = ids.index(current) + delta
    return ids[at] if 0 <= at < len(ids) else None


def position(ordered: Sequence[tuple[str, str]], current: str) -> int | None:
    """1-based place of ``current`` in the set, or ``None``."""
    ids = [i for i, _ in ordered]
    return ids.index(current) + 1 if current in ids else None


def start_of_day(now: datetime | None = None) -> datetime:
    """Midnight UTC of ``now``'s day: "today" for the progress counter."""
    now = now or datetime.now(UTC)
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def progress_text(done: int, waiting: int, *, mine: bool = False) -> str:
    """``"You reviewed 12 today · 188 waiting"`` (``mine``), or ``"12 reviewed today · 188 waiting"``."""
    return f"{'You reviewed' if mine else 'Reviewed'} {done} today · {waiting} waiting"
