"""Failed generations: a filtered, paged list, the filter choices, and each failure's report JSON.

The rows come through the ``FailureLog`` port (``core.storage.ports``); the reports from the blob store.
"""

from __future__ import annotations

from core.errors import NotFoundError
from core.jsonutil import dumps_pretty
from core.models.failures import FILTER_COLUMNS, FailureFilters, FailurePage, FailureRow
from core.models.logs import FailedGeneration
from core.storage.ports import FailureLog
from core.storage.ports.blobs import FAILED_GENERATION_FILES, BlobStore, owned_failure_report_path


def failure_report(failures: FailureLog, blobs: BlobStore, failure_id: str) -> tuple[str, bytes]:
    """``(file name, bytes)`` of the stored error report; the row itself as JSON when no file was kept."""
    failure = failures.get(failure_id)
    if failure.raw_file_path:
        try:
            data = blobs.get(FAILED_GENERATION_FILES, owned_failure_report_path(failure.id, failure.raw_file_path))
            return failure.raw_file_path.rsplit("/", 1)[-1], data
        except NotFoundError:
            pass  # the row still holds everything the report had
    return f"failed-{failure.id}.json", dumps_pretty(failure.model_dump(mode="json"))


class FailuresService:
    """What the Failed generations page needs: counts, filter choices, a page of rows, one failure, its report."""

    def __init__(self, failures: FailureLog, blobs: BlobStore) -> None:
        self._failures = failures
        self._blobs = blobs

    def count(self) -> int:
        return self._failures.count()

    def filter_options(self) -> dict[str, list[str]]:
        return self._failures.filter_options()

    def page(self, filters: FailureFilters, *, page: int = 1, page_size: int = 25) -> FailurePage:
        return self._failures.page(filters, page=page, page_size=page_size)

    def get(self, failure_id: str) -> FailedGeneration:
        return self._failures.get(failure_id)

    def report(self, failure_id: str) -> tuple[str, bytes]:
        return failure_report(self._failures, self._blobs, failure_id)


__all__ = ["FILTER_COLUMNS", "FailureFilters", "FailurePage", "FailureRow", "FailuresService", "failure_report"]
