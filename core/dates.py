"""One way to write a date or a moment wherever a person reads it: "7 Dec 2026", "7 Dec 2026, 14:05" (UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def day(value: date) -> str:
    """``7 Dec 2026`` (a moment's day in UTC)."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
    return f"{value.day} {value:%b %Y}"


def moment(value: datetime) -> str:
    """``7 Dec 2026, 14:05`` (UTC)."""
    at = value.astimezone(UTC)
    return f"{day(at)}, {at:%H:%M}"
