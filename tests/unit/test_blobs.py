from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from core.storage.blobs import LocalBlobStore, failure_report_path
from core.storage.ports.blobs import ADAPTERS


def test_failure_report_path_follows_the_earlier_layout() -> None:
    at = datetime(2025, 12, 2, 0, 46, 49, 330000, tzinfo=UTC)
    assert failure_report_path("f1", at) == "2025/12/failed-f1-2025-12-02T00-46-49-330000+00-00.json"


def test_a_prefix_outside_the_bucket_lists_nothing(tmp_path: Path) -> None:
    # A model registered from a folder of its own keeps an absolute adapter path: its files are not in storage.
    outside = tmp_path / "adapter"
    outside.mkdir()
    (outside / "adapter_config.json").write_text("{}")
    blobs = LocalBlobStore(tmp_path / "blobs")
    blobs.put(ADAPTERS, "m1/adapter_config.json", b"{}")
    assert blobs.list(ADAPTERS, f"{outside}/") == []
    assert blobs.list(ADAPTERS, "../adapter/") == []
    assert blobs.list(ADAPTERS, "m1/") == ["m1/adapter_config.json"]
