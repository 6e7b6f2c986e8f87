"""Export: training files (``brightrun-lora-v4``) and the formats trainers load, validated before download.

One module per format (``brightrun_v4``, ``openai_chat``, ``sharegpt``, ``huggingface``, ``kto``);
``selection`` picks conversations, ``messages`` turns pairs into chat messages, ``split`` divides them,
``validate`` checks the result, ``training_files`` stores named files, ``insight`` describes the dataset.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.export.common import FORMATS, ExportOptions, ExportResult
    from core.export.service import ExportService
    from core.export.training_files import TrainingFileService
    from core.export.validate import ValidationReport

__all__ = ["FORMATS", "ExportOptions", "ExportResult", "ExportService", "TrainingFileService", "ValidationReport"]

# Loaded on first use (PEP 562), so importing one light module (``core.export.split``) does not load the
# Parquet writer (pyarrow) behind ``ExportService``.
_HOMES = {
    "FORMATS": "core.export.common",
    "ExportOptions": "core.export.common",
    "ExportResult": "core.export.common",
    "ExportService": "core.export.service",
    "TrainingFileService": "core.export.training_files",
    "ValidationReport": "core.export.validate",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
