"""The failed generations ports: reading them (the Failed generations page) and writing one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.models.failures import FailureFilters, FailurePage
    from core.models.logs import FailedGeneration


class FailureLog(Protocol):
    """Failed generations: count, a filtered page (newest first), filter choices, one failure."""

    def count(self) -> int: ...

    def page(self, filters: FailureFilters, *, page: int = 1, page_size: int = 25) -> FailurePage: ...

    def filter_options(self) -> dict[str, list[str]]: ...

    def get(self, failure_id: str) -> FailedGeneration: ...


class FailureWriter(Protocol):
    """Where a generation (or a spec step) that failed is recorded."""

    def record(self, failure: FailedGeneration) -> FailedGeneration:
        """Store the failure record as given; returns it."""
        ...
