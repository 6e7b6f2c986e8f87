from __future__ import annotations

from datetime import UTC, datetime

from core.storage.blobs import failure_report_path


def test_failure_report_path_follows_the_earlier_layout() -> None:
    at = datetime(2025, 12, 2, 0, 46, 49, 330000, tzinfo=UTC)
    assert failure_report_path("f1", at) == "2025/12/failed-f1-2025-12-02T00-46-49-330000+00-00.json"
