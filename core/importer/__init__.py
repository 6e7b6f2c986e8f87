"""Import the earlier system's files and our own: raw, enriched, brightrun-lora-v4 training files, JSONL.

One module per concern: ``checks`` (field types and ids), ``pairs`` (turns rebuilt from training pairs),
``formats`` and ``jsonl`` (a reader per format), ``precedence`` (which copy wins a repeat), ``result``
(the report) and ``service`` (the ``Importer``: read everything, then store).
"""

from core.importer.formats import FORMAT_HELP, Candidate, Format, detect_format
from core.importer.result import ImportOutcome, ImportResult
from core.importer.service import Importer

__all__ = ["FORMAT_HELP", "Candidate", "Format", "ImportOutcome", "ImportResult", "Importer", "detect_format"]
