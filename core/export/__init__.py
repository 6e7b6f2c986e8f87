"""Export: training files (``brightrun-lora-v4``) and the formats trainers load, validated before download.

One module per format (``brightrun_v4``, ``openai_chat``, ``sharegpt``, ``huggingface``, ``kto``);
``selection`` picks conversations, ``messages`` turns pairs into chat messages, ``split`` divides them,
``validate`` checks the result, ``training_files`` stores named files, ``insight`` describes the dataset.
"""

from core.export.common import FORMATS, ExportOptions, ExportResult
from core.export.service import ExportService
from core.export.training_files import TrainingFileService
from core.export.validate import ValidationReport

__all__ = ["FORMATS", "ExportOptions", "ExportResult", "ExportService", "TrainingFileService", "ValidationReport"]
